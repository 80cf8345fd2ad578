// The config reader: any text as config.yaml gives a Config or a recon::Error naming the file, never another
// exception (a yaml-cpp exception escaping is a bug). A Config that loads also prints (`recon config`), and what
// it prints loads back to the same configuration.
#include <string>

#include "fuzz/fuzz_targets.hpp"
#include "recon/core/error.hpp"
#include "recon/pipeline/config.hpp"

namespace recon::fuzz {

void FuzzConfig(std::string_view input) {
  std::string printed;
  try {
    printed = pipeline::DumpConfig(pipeline::LoadConfigFromText(input, "fuzz.yaml"));
  } catch (const Error& error) {
    Require(std::string_view(error.what()).find("fuzz.yaml") != std::string_view::npos,
            std::string("an error that does not name the file: ") + error.what());
    return;
  }
  std::string reprinted;
  try {
    reprinted = pipeline::DumpConfig(pipeline::LoadConfigFromText(printed, "printed.yaml"));
  } catch (const Error& error) {
    throw InvariantViolation(std::string("the printed configuration does not load: ") + error.what() + "\n" + printed);
  }
  Require(reprinted == printed, "the printed configuration loads back differently:\n" + printed + "\n" + reprinted);
}

}  // namespace recon::fuzz
