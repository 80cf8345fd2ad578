#include "recon/report/mail_builder.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <openssl/evp.h>

#include "recon/core/sha256.hpp"

namespace recon::report {
namespace {

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string Html(std::string_view text) {
  std::string out;
  for (const char character : text) {
    switch (character) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += character;
    }
  }
  return out;
}

std::string OneLine(std::string_view text, std::size_t max_chars) {
  std::string out;
  for (const char character : text) {
    const auto byte = static_cast<unsigned char>(character);
    const bool blank = byte < 0x20 || byte == 0x7F || character == ' ';
    if (blank) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += character;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > max_chars) {
    std::size_t end = max_chars;
    while (end > 0 && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80) --end;  // keep UTF-8 whole
    out = out.substr(0, end) + "...";
  }
  return out;
}

std::string Counts(const std::map<std::string, std::uint64_t>& counts) {
  std::string out;
  for (const auto& [name, count] : counts) out += "  " + name + ": " + std::to_string(count) + "\n";
  return out.empty() ? "  (none)\n" : out;
}

std::string HtmlCounts(const char* title, const std::map<std::string, std::uint64_t>& counts) {
  std::string out = std::string("<h3>") + title + "</h3><table>";
  for (const auto& [name, count] : counts) {
    out += "<tr><td>" + Html(name) + "</td><td align=\"right\">" + std::to_string(count) + "</td></tr>";
  }
  return out + "</table>";
}

}  // namespace

std::string SafeHeaderText(std::string_view text, std::size_t max_chars) {
  const std::string line = OneLine(text, max_chars);
  const bool ascii = std::all_of(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return line;
  return "=?UTF-8?B?" + Base64(line) + "?=";
}

void TopAnomalies::Offer(TopAnomaly anomaly) {
  if (!Wants(anomaly.score)) return;  // ties keep the earlier anomaly, as the stable sort does
  rows_.push_back(std::move(anomaly));
  if (rows_.size() > 2 * limit_) {
    rows_ = Sorted();
    if (!rows_.empty() && rows_.size() == limit_) floor_ = rows_.back().score;
  }
}

std::vector<TopAnomaly> TopAnomalies::Sorted() const {
  std::vector<TopAnomaly> sorted = rows_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const TopAnomaly& a, const TopAnomaly& b) { return a.score > b.score; });
  if (sorted.size() > limit_) sorted.resize(limit_);
  return sorted;
}

store::OutboxMail BuildReportMail(const ReportContent& content, const EmailParams& params) {
  store::OutboxMail mail;
  mail.kind = content.kind;
  const std::uint64_t critical = content.by_severity.contains("critical") ? content.by_severity.at("critical") : 0;
  std::string subject = "recon: " + std::to_string(content.flagged) + " anomalies (" + std::to_string(critical) +
                        " critical) in " + content.source;
  if (!content.top.empty() && !content.top.front().comment.empty()) {
    subject += " - top: " + content.top.front().comment;
  }
  mail.subject = SafeHeaderText(subject);
  Sha256 hasher;
  hasher.Update(content.kind);
  hasher.Update("\x1f");
  hasher.Update(content.identity);
  const auto digest = hasher.Finish();
  mail.message_id = "<" + ToHex(digest.data(), 16) + ".recon@" + params.from.substr(params.from.find('@') + 1) + ">";

  std::string attachment_note;
  if (!content.attachment_path.empty()) {
    std::error_code error;
    const auto size = std::filesystem::file_size(content.attachment_path, error);
    if (!error && size <= params.max_attachment_bytes) {
      mail.attachment_path = content.attachment_path;
      attachment_note = "The anomalies are attached as CSV.";
    } else {
      attachment_note = "The anomalies CSV (" + (error ? std::string("missing") : std::to_string(size) + " bytes") +
                        ") is not attached; it is at " + content.attachment_path + ".";
    }
  }
  std::string text = "recon report: " + content.source + "\n\nRows " + std::to_string(content.rows) +
                     ", anomalies " + std::to_string(content.flagged) + ".\n\nBy category:\n" +
                     Counts(content.by_category) + "\nBy status:\n" + Counts(content.by_status) + "\nBy severity:\n" +
                     Counts(content.by_severity) + "\nTop anomalies:\n";
  std::string html = "<html><body><h2>recon report: " + Html(content.source) + "</h2><p>Rows " +
                     std::to_string(content.rows) + ", anomalies " + std::to_string(content.flagged) + ".</p>" +
                     HtmlCounts("By category", content.by_category) + HtmlCounts("By status", content.by_status) +
                     HtmlCounts("By severity", content.by_severity) +
                     "<h3>Top anomalies</h3><table border=\"1\" cellpadding=\"3\"><tr><th>trade</th><th>desk</th>"
                     "<th>category</th><th>severity</th><th>status</th><th>score</th><th>amount diff</th>"
                     "<th>summary</th></tr>";
  for (const TopAnomaly& row : content.top) {
    char numbers[96];
    std::snprintf(numbers, sizeof numbers, "%.3f, amount diff %.2f", row.score, row.amount_diff);
    text += "  " + OneLine(row.trade_id, 40) + " | " + OneLine(row.desk, 40) + " | " + row.category + " | " +
            row.severity + " | " + row.status + " | score " + numbers + "\n    " + OneLine(row.summary, 300) + "\n";
    char score[32];
    char amount[32];
    std::snprintf(score, sizeof score, "%.3f", row.score);
    std::snprintf(amount, sizeof amount, "%.2f", row.amount_diff);
    html += "<tr><td>" + Html(row.trade_id) + "</td><td>" + Html(row.desk) + "</td><td>" + Html(row.category) +
            "</td><td>" + Html(row.severity) + "</td><td>" + Html(row.status) + "</td><td>" + score + "</td><td>" +
            amount + "</td><td>" + Html(row.summary) + "</td></tr>";
  }
  if (content.top.empty()) text += "  (none)\n";
  text += "\n" + attachment_note + "\n";
  html += "</table><p>" + Html(attachment_note) + "</p></body></html>";
  mail.text = std::move(text);
  mail.html = std::move(html);
  return mail;
}

}  // namespace recon::report
