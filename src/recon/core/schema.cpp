#include "recon/core/schema.hpp"

#include <set>

#include "recon/core/error.hpp"

namespace recon {

const std::array<FieldInfo, kFieldCount>& AllFields() {
  static constexpr std::array<FieldInfo, kFieldCount> kFields = {{
      {Field::kTradeId, "trade_id", "TRADE_ID", FieldType::kText, true},
      {Field::kTradeDate, "trade_date", "TRADE_DATE", FieldType::kDate, true},
      {Field::kSettlementDate, "settlement_date", "SETTLEMENT_DATE", FieldType::kDate, true},
      {Field::kDesk, "desk", "DESKNAME", FieldType::kText, true},
      {Field::kTrader, "trader", "TRADER", FieldType::kText, false},
      {Field::kCounterparty, "counterparty", "COUNTERPARTY", FieldType::kText, false},
      {Field::kInstrument, "instrument", "INSTRUMENT", FieldType::kText, false},
      {Field::kAssetClass, "asset_class", "ASSET_CLASS", FieldType::kText, false},
      {Field::kCurrency, "currency", "CURRENCY", FieldType::kText, false},
      {Field::kBookQuantity, "book_quantity", "BOOK_QUANTITY", FieldType::kNumber, true},
      {Field::kStreetQuantity, "street_quantity", "STREET_QUANTITY", FieldType::kNumber, true},
      {Field::kQuantityDiff, "quantity_diff", "QUANTITY_DIFF", FieldType::kNumber, true},
      {Field::kBookPrice, "book_price", "BOOK_PRICE", FieldType::kNumber, true},
      {Field::kStreetPrice, "street_price", "STREET_PRICE", FieldType::kNumber, true},
      {Field::kPriceDiff, "price_diff", "PRICE_DIFF", FieldType::kNumber, true},
      {Field::kBookAmount, "book_amount", "BOOK_AMOUNT", FieldType::kNumber, true},
      {Field::kStreetAmount, "street_amount", "STREET_AMOUNT", FieldType::kNumber, true},
      {Field::kAmountDiff, "amount_diff", "AMOUNT_DIFF", FieldType::kNumber, true},
      {Field::kComment, "comment", "COMMENT", FieldType::kText, false},
  }};
  return kFields;
}

ColumnMapping::ColumnMapping() {
  for (const FieldInfo& info : AllFields()) headers[static_cast<std::size_t>(info.field)] = info.default_header;
}

void ColumnMapping::Validate() const {
  std::set<std::string> seen;
  for (const FieldInfo& info : AllFields()) {
    const std::string& header = HeaderOf(info.field);
    if (header.empty()) ThrowInvalidInput("columns." + std::string(info.key) + " must name a header");
    if (!seen.insert(header).second) {
      ThrowInvalidInput("columns." + std::string(info.key) + ": header '" + header + "' is mapped to two fields");
    }
  }
}

}  // namespace recon
