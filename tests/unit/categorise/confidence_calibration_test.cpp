#include "recon/categorise/confidence_calibration.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace recon::categorise {
namespace {

TEST(ConfidenceCalibrationTest, TheFittedMapIsMonotoneAndStaysAProbability) {
  const auto knots = ConfidenceCalibrationKnots();
  ASSERT_GE(knots.size(), 2u);
  for (std::size_t idx = 1; idx < knots.size(); ++idx) {
    EXPECT_LT(knots[idx - 1].raw, knots[idx].raw) << idx;
    EXPECT_LE(knots[idx - 1].calibrated, knots[idx].calibrated) << idx;
  }
  double previous = -1.0;
  for (int step = 0; step <= 1000; ++step) {
    const double calibrated = CalibrateConfidence(step / 1000.0);
    EXPECT_GE(calibrated, 0.0);
    EXPECT_LE(calibrated, 1.0);
    EXPECT_GE(calibrated, previous) << "raw " << step / 1000.0;
    previous = calibrated;
  }
}

TEST(ConfidenceCalibrationTest, InterpolatesBetweenKnotsAndIsFlatBeyondThem) {
  const std::vector<CalibrationKnot> knots = {{0.4, 0.2}, {0.6, 0.9}, {1.0, 1.0}};
  EXPECT_DOUBLE_EQ(CalibrateConfidence(0.6, knots), 0.9);
  EXPECT_DOUBLE_EQ(CalibrateConfidence(0.5, knots), 0.55);
  EXPECT_DOUBLE_EQ(CalibrateConfidence(0.8, knots), 0.95);
  EXPECT_DOUBLE_EQ(CalibrateConfidence(0.1, knots), 0.2);
  EXPECT_DOUBLE_EQ(CalibrateConfidence(1.0, knots), 1.0);
  EXPECT_DOUBLE_EQ(CalibrateConfidence(0.37, {}), 0.37);  // no knots: the identity
}

}  // namespace
}  // namespace recon::categorise
