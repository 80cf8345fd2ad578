#pragma once
// Confidence that means what it says: of verdicts given at 0.9, about 90% are right.
//
// IMPLEMENTATION DECISIONS: the local categoriser's probability is a product of tempered, partly dependent pieces
// of evidence (numeric rules, comment n-grams), so as a frequency it is off, mostly too low in the middle. It is
// mapped through a monotone, piecewise-linear function fitted by isotonic regression (pool-adjacent-violators;
// Zadrozny and Elkan 2002, "Transforming classifier scores into accurate multiclass probability estimates") on
// generated breaks in two phrasings, the project's and a development team's, so that the fit holds on phrasings
// the text model never saw rather than on the corpus's own. Monotone: a higher raw probability never gets a lower
// confidence, so the verdict and any ranking by confidence are unchanged. The knots are constants compiled in
// (deterministic, nothing to load); bench/e2e/fit_confidence_calibration.py refits them (bench/RESULTS.md).
#include <span>

namespace recon::categorise {

/// One point of the calibration map: raw combined probability -> observed accuracy.
struct CalibrationKnot {
  double raw;
  double calibrated;
};

/// The fitted map's knots, raw ascending, calibrated non-decreasing.
std::span<const CalibrationKnot> ConfidenceCalibrationKnots();

/// Maps a raw probability through `knots` by linear interpolation, flat beyond the first and last knot; the
/// identity when `knots` is empty. The result stays within [0, 1].
double CalibrateConfidence(double raw, std::span<const CalibrationKnot> knots);

/// CalibrateConfidence with the fitted knots.
inline double CalibrateConfidence(double raw) { return CalibrateConfidence(raw, ConfidenceCalibrationKnots()); }

}  // namespace recon::categorise
