#pragma once
// The logical trade-break record every source maps onto. Input headers are bound to these fields by
// configuration (core::ColumnMapping), so a custodian file with other header names needs no code change.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace recon {

/// Logical fields of a reconciliation break.
enum class Field : std::size_t {
  kTradeId,
  kTradeDate,
  kSettlementDate,
  kDesk,
  kTrader,
  kCounterparty,
  kInstrument,
  kAssetClass,
  kCurrency,
  kBookQuantity,
  kStreetQuantity,
  kQuantityDiff,
  kBookPrice,
  kStreetPrice,
  kPriceDiff,
  kBookAmount,
  kStreetAmount,
  kAmountDiff,
  kComment,
};
inline constexpr std::size_t kFieldCount = 19;

enum class FieldType { kText, kDate, kNumber };

/// Static description of a field: its config key, default header, type and whether a file must have it.
struct FieldInfo {
  Field field;
  std::string_view key;             ///< config key under `columns:` (snake_case)
  std::string_view default_header;  ///< header in the generator's files and the original system
  FieldType type;
  bool required;
};

/// Every field, in enum order.
const std::array<FieldInfo, kFieldCount>& AllFields();

/// Info of one field.
inline const FieldInfo& InfoOf(Field field) { return AllFields()[static_cast<std::size_t>(field)]; }

/// Header name of each logical field for one input format.
struct ColumnMapping {
  std::array<std::string, kFieldCount> headers;
  /// The defaults: TRADE_ID, TRADE_DATE, ... as written by gen_recon_data.py.
  ColumnMapping();
  const std::string& HeaderOf(Field field) const { return headers[static_cast<std::size_t>(field)]; }
  /// Throws InvalidInput when a header is empty or two fields share one.
  void Validate() const;
};

}  // namespace recon
