// The ingest path: tokenizer + typed decoder must turn any bytes into rows or row errors, or refuse the file with
// recon::Error, and never crash. The first byte chooses whether the standard trade header is put in front, so the
// decoder's checks are reached too.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "fuzz/fuzz_targets.hpp"
#include "recon/core/error.hpp"
#include "recon/io/csv_reader.hpp"
#include "recon/io/record_decoder.hpp"

namespace recon::fuzz {

void FuzzCsvIngest(std::string_view input) {
  static const std::string path = "/tmp/recon_fuzz_" + std::to_string(getpid()) + ".csv";
  std::string contents;
  if (!input.empty() && (static_cast<unsigned char>(input[0]) & 1)) {
    contents =
        "TRADE_ID,TRADE_DATE,SETTLEMENT_DATE,DESKNAME,BOOK_QUANTITY,STREET_QUANTITY,QUANTITY_DIFF,BOOK_PRICE,"
        "STREET_PRICE,PRICE_DIFF,BOOK_AMOUNT,STREET_AMOUNT,AMOUNT_DIFF,COMMENT\n";
  }
  if (!input.empty()) contents.append(input.substr(1));
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return;
  std::fwrite(contents.data(), 1, contents.size(), file);
  std::fclose(file);
  try {
    io::CsvReaderParams params;
    params.read_chunk_bytes = 4096;
    params.batch_rows = 3;
    params.max_field_bytes = 64;
    io::CsvReader reader(path, params);
    io::RecordDecoder decoder(reader.Header(), ColumnMapping(), path);
    io::RawBatch raw;
    io::RecordBatch records;
    std::vector<io::RowError> errors;
    while (reader.Next(raw)) {
      decoder.Decode(raw, records, errors);
      for (std::size_t row = 0; row < raw.RowCount(); ++row) (void)raw.RowText(row, 100);
    }
  } catch (const Error&) {
    // A refused file is a valid outcome.
  }
  std::remove(path.c_str());
}

}  // namespace recon::fuzz
