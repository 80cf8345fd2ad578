#pragma once
// Reviewer feedback: status decisions and category corrections, each with its audit row in the same
// transaction; the corrections are kept as data the local categoriser learns from.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recon/store/anomaly_store.hpp"

namespace recon::store {

/// A reviewer's correction of an anomaly's category.
struct CategoryCorrection {
  std::int64_t anomaly_id = 0;
  std::string comment;   ///< the anomaly's COMMENT as the categoriser read it: what the correction teaches
  std::string category;  ///< the right category (a categorise::CategoryName)
  std::string reviewer;
  std::string note;
  /// When the anomaly's status is `reopen_status` (e.g. closed automatically as the category corrected away), it
  /// becomes `reopened_status` in the same transaction; empty: the status stays.
  std::string reopen_status;
  std::string reopened_status;
};

/// What RecordCategoryCorrection did.
enum class CorrectionResult {
  kApplied,    ///< kept, and the anomaly's category changed
  kUnchanged,  ///< the anomaly already had that category: nothing was written
  kNotFound,   ///< there is no anomaly with that id
};

/// A kept correction, as the local categoriser learns it.
struct LearnedCategory {
  std::string comment;
  std::string category;
  bool operator==(const LearnedCategory&) const = default;
};

/// Reviewers' decisions on stored anomalies.
class FeedbackStore {
 public:
  virtual ~FeedbackStore() = default;
  /// A reviewer's decision: sets the status and appends an audit row (actor, old and new status, note) in one
  /// transaction. Returns the updated anomaly, or nullopt when there is no such id.
  virtual std::optional<StoredAnomaly> RecordFeedback(std::int64_t id, std::string_view new_status,
                                                      std::string_view reviewer, std::string_view note) = 0;
  /// A reviewer's category correction, in one transaction: keeps it (with the anomaly's key and trade id and the
  /// category it replaces), sets the anomaly's category and its category_source to "reviewer", and appends an
  /// audit row "category X -> Y" (the status stays unless `reopen_status` matches). A correction to the category
  /// the anomaly already has writes nothing.
  virtual CorrectionResult RecordCategoryCorrection(const CategoryCorrection& correction) = 0;
  /// The comment and category of each corrected anomaly's latest correction, oldest first: what the local
  /// categoriser learns from.
  virtual std::vector<LearnedCategory> CategoryCorrections() = 0;
};

}  // namespace recon::store
