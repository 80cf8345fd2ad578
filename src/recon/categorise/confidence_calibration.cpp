#include "recon/categorise/confidence_calibration.hpp"

#include <algorithm>
#include <array>

namespace recon::categorise {
namespace {

// Fitted by bench/e2e/fit_confidence_calibration.py; regenerate rather than edit by hand.
// 21374 verdicts; phrasings project, dev; 100000 rows x seeds 21 22 23 24
constexpr std::array<CalibrationKnot, 16> kKnots{{
    {0.4294, 0.1415},  // 106 verdicts
    {0.4872, 0.5611},  // 180 verdicts
    {0.5764, 0.6182},  // 770 verdicts
    {0.6418, 0.8845},  // 710 verdicts
    {0.6858, 0.8932},  // 440 verdicts
    {0.7535, 0.9037},  // 1983 verdicts
    {0.8031, 0.9276},  // 525 verdicts
    {0.8585, 0.9464},  // 1231 verdicts
    {0.8941, 0.9706},  // 68 verdicts
    {0.9232, 0.9789},  // 2318 verdicts
    {0.9490, 0.9863},  // 146 verdicts
    {0.9568, 0.9923},  // 778 verdicts
    {0.9721, 0.9973},  // 1475 verdicts
    {0.9920, 0.9986},  // 3512 verdicts
    {0.9995, 0.9990},  // 4829 verdicts
    {1.0000, 1.0000},  // 2303 verdicts
}};

}  // namespace

std::span<const CalibrationKnot> ConfidenceCalibrationKnots() { return kKnots; }

double CalibrateConfidence(double raw, std::span<const CalibrationKnot> knots) {
  if (knots.empty()) return std::clamp(raw, 0.0, 1.0);
  if (raw <= knots.front().raw) return knots.front().calibrated;
  if (raw >= knots.back().raw) return knots.back().calibrated;
  const auto upper = std::upper_bound(knots.begin(), knots.end(), raw,
                                      [](double value, const CalibrationKnot& knot) { return value < knot.raw; });
  const CalibrationKnot& high = *upper;
  const CalibrationKnot& low = *(upper - 1);
  const double span = high.raw - low.raw;
  const double share = span > 0.0 ? (raw - low.raw) / span : 1.0;
  return std::clamp(low.calibrated + share * (high.calibrated - low.calibrated), 0.0, 1.0);
}

}  // namespace recon::categorise
