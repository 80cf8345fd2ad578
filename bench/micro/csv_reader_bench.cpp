// Throughput of the CSV hot path: tokenize + typed decode of trade rows.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "recon/io/csv_reader.hpp"
#include "recon/io/record_decoder.hpp"

namespace {

std::string MakeTradeFile(std::size_t rows) {
  const auto path = (std::filesystem::temp_directory_path() / "recon_bench_trades.csv").string();
  std::ofstream out(path);
  out << "TRADE_ID,TRADE_DATE,SETTLEMENT_DATE,DESKNAME,TRADER,COUNTERPARTY,INSTRUMENT,ASSET_CLASS,CURRENCY,"
         "BOOK_QUANTITY,STREET_QUANTITY,QUANTITY_DIFF,BOOK_PRICE,STREET_PRICE,PRICE_DIFF,BOOK_AMOUNT,STREET_AMOUNT,"
         "AMOUNT_DIFF,COMMENT\n";
  for (std::size_t row = 0; row < rows; ++row) {
    out << "T" << 100000000 + row << ",2025-01-02,2025-01-03,EQ Cash NY,M. Rossi,\"Credit Agricole CIB, London\","
        << "USM596T21C91,Equity,USD,-483,-483,0,98.83,98.83,0.00,-47734.89,-47734.89,0.00,"
        << (row % 10 == 0 ? "\"rounding, see note\"" : "") << "\n";
  }
  return path;
}

void BM_ReadAndDecode(benchmark::State& state) {
  const std::string path = MakeTradeFile(static_cast<std::size_t>(state.range(0)));
  const auto bytes = std::filesystem::file_size(path);
  for (auto _ : state) {
    recon::io::CsvReader reader(path, {});
    recon::io::RecordDecoder decoder(reader.Header(), recon::ColumnMapping(), path);
    recon::io::RawBatch raw;
    recon::io::RecordBatch records;
    std::vector<recon::io::RowError> errors;
    std::size_t rows = 0;
    while (reader.Next(raw)) {
      decoder.Decode(raw, records, errors);
      rows += records.RowCount();
    }
    benchmark::DoNotOptimize(rows);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
  state.SetItemsProcessed(state.range(0) * state.iterations());
  std::filesystem::remove(path);
}
BENCHMARK(BM_ReadAndDecode)->Arg(200000)->Unit(benchmark::kMillisecond);

}  // namespace
