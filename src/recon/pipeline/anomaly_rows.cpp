#include "recon/pipeline/anomaly_rows.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>

#include "recon/core/date.hpp"
#include "recon/core/sha256.hpp"

namespace recon::pipeline {

using features::Feature;

categorise::AnomalyEvidence TradeNumbers(const io::RecordBatch& records, std::size_t row_idx) {
  categorise::AnomalyEvidence evidence;
  evidence.currency = records.Text(Field::kCurrency, row_idx);
  evidence.book_quantity = records.Number(Field::kBookQuantity, row_idx);
  evidence.street_quantity = records.Number(Field::kStreetQuantity, row_idx);
  evidence.quantity_diff = records.Number(Field::kQuantityDiff, row_idx);
  evidence.book_price = records.Number(Field::kBookPrice, row_idx);
  evidence.street_price = records.Number(Field::kStreetPrice, row_idx);
  evidence.price_diff = records.Number(Field::kPriceDiff, row_idx);
  evidence.book_amount = records.Number(Field::kBookAmount, row_idx);
  evidence.street_amount = records.Number(Field::kStreetAmount, row_idx);
  evidence.amount_diff = records.Number(Field::kAmountDiff, row_idx);
  return evidence;
}

categorise::AnomalyEvidence BuildEvidence(const io::RecordBatch& records, std::size_t row_idx,
                                          const float* feature_row) {
  auto feature = [feature_row](Feature which) { return feature_row[static_cast<std::size_t>(which)]; };
  categorise::AnomalyEvidence evidence = TradeNumbers(records, row_idx);
  evidence.trade_id = records.Text(Field::kTradeId, row_idx);
  evidence.desk = records.Text(Field::kDesk, row_idx);
  evidence.comment = records.Text(Field::kComment, row_idx);
  evidence.settlement_lag_bdays = static_cast<int>(feature(Feature::kSettlementLagBdays));
  evidence.lag_excess_bdays = static_cast<int>(feature(Feature::kLagExcessBdays));
  evidence.trade_id_repeat = feature(Feature::kTradeIdRepeat) > 0.5f;
  evidence.economics_repeat = feature(Feature::kEconomicsRepeat) > 0.5f;
  evidence.settlement_date = records.Date(Field::kSettlementDate, row_idx);
  evidence.has_dates = true;
  return evidence;
}

std::string FormatExplanation(const std::vector<models::FeatureContribution>& contributions,
                              const std::vector<std::string>& names, const float* model_row, std::size_t top_k) {
  std::string text;
  for (std::size_t idx = 0; idx < contributions.size() && idx < top_k; ++idx) {
    const auto& contribution = contributions[idx];
    // "name=%.6g (%.0f%%)", by to_chars: snprintf's locale and format parsing were visible in profiles.
    char buffer[400];
    char* end = std::to_chars(buffer, buffer + sizeof buffer, static_cast<double>(model_row[contribution.column]),
                              std::chars_format::general, 6).ptr;
    if (!text.empty()) text += "; ";
    text += names[contribution.column];
    text += '=';
    text.append(buffer, end);
    text += " (";
    end = std::to_chars(buffer, buffer + sizeof buffer, contribution.share * 100.0, std::chars_format::fixed, 0).ptr;
    text.append(buffer, end);
    text += "%)";
  }
  return text;
}

namespace {

void HashField(Sha256& hasher, std::string_view bytes) {
  hasher.Update(bytes);
  hasher.Update(std::string_view("\x1f", 1));
}

auto TradeDigest(const io::RecordBatch& records, std::size_t row_idx) {
  Sha256 hasher;
  hasher.Update("trade\x1e");
  for (const FieldInfo& info : AllFields()) {
    switch (info.type) {
      case FieldType::kText: HashField(hasher, records.Text(info.field, row_idx)); break;
      case FieldType::kDate: HashField(hasher, FormatIsoDate(records.Date(info.field, row_idx))); break;
      case FieldType::kNumber: {
        char buffer[64];
        double value = records.Number(info.field, row_idx);
        if (value == 0.0) value = 0.0;  // -0 and 0 are one amount
        const char* end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
        HashField(hasher, std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
        break;
      }
    }
  }
  return hasher.Finish();
}

}  // namespace

std::string TradeKey(const io::RecordBatch& records, std::size_t row_idx) {
  const auto digest = TradeDigest(records, row_idx);
  return ToHex(digest.data(), digest.size());
}

std::string NaturalKeys::KeyOf(const io::RecordBatch& records, std::size_t row_idx) {
  const auto digest = TradeDigest(records, row_idx);
  std::string key = ToHex(digest.data(), digest.size());
  std::uint64_t prefix = 0;
  std::memcpy(&prefix, digest.data(), sizeof prefix);
  const std::uint32_t occurrence = recent_.CountThenAdd(prefix);
  return occurrence == 0 ? key : key + "#" + std::to_string(occurrence);
}

namespace {

// JSON string escaping (RFC 8259) for CSV text; invalid UTF-8 bytes become U+FFFD so the store always holds valid
// JSON. Written out because building an nlohmann object per anomaly cost more than the rest of the output stage.
bool IsPlainJsonByte(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

void AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  for (std::size_t pos = 0; pos < text.size();) {
    // Runs of printable ASCII, nearly all of a trade row, are copied in one append.
    std::size_t run_end = pos;
    while (run_end < text.size() && IsPlainJsonByte(static_cast<unsigned char>(text[run_end]))) ++run_end;
    if (run_end > pos) {
      out.append(text.data() + pos, run_end - pos);
      pos = run_end;
      if (pos == text.size()) break;
    }
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++pos;
      continue;
    }
    const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    bool valid = length > 0 && pos + length <= text.size() && c <= 0xF4;
    for (std::size_t idx = 1; valid && idx < length; ++idx)
      valid = (static_cast<unsigned char>(text[pos + idx]) & 0xC0) == 0x80;
    if (valid) {
      out.append(text.substr(pos, length));
      pos += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++pos;
    }
  }
  out.push_back('"');
}

}  // namespace

std::string RowJson(const io::RawBatch& raw, std::size_t raw_row_idx, const std::vector<std::string>& header) {
  std::string json;
  std::size_t expected = 2;
  for (std::size_t col_idx = 0; col_idx < header.size(); ++col_idx)
    expected += header[col_idx].size() + raw.Field(raw_row_idx, col_idx).size() + 6;
  json.reserve(expected);
  json.push_back('{');
  for (std::size_t col_idx = 0; col_idx < header.size(); ++col_idx) {
    if (col_idx > 0) json.push_back(',');
    AppendJsonString(json, header[col_idx]);
    json.push_back(':');
    AppendJsonString(json, raw.Field(raw_row_idx, col_idx));
  }
  json.push_back('}');
  return json;
}

}  // namespace recon::pipeline
