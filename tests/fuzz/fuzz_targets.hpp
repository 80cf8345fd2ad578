#pragma once
// The one-input bodies of the libFuzzer targets. Each is linked twice: into its libFuzzer executable
// (fuzz_main.cpp, one per target) and into the GoogleTest `fuzz_replay_test`, which runs every file of
// tests/data/fuzz/<name>/ (seeds and kept findings) through it in the ordinary and the sanitizer builds.
//
// A body returns normally for every input the code under test handles correctly: refused input included. A broken
// invariant throws InvariantViolation, and nothing the code under test throws is caught unless its contract allows
// it, so under libFuzzer an escaping exception aborts the run (and the input is saved), and under GoogleTest it
// fails the replay naming the file.
#include <stdexcept>
#include <string>
#include <string_view>

namespace recon::fuzz {

/// A property of the code under test that an input broke.
class InvariantViolation : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Throws InvariantViolation(`what`) unless `holds`.
inline void Require(bool holds, const std::string& what) {
  if (!holds) throw InvariantViolation(what);
}

/// CSV bytes through the tokenizer and the typed decoder (first byte odd: the trade header is put in front).
void FuzzCsvIngest(std::string_view input);
/// Bytes as a model file, and as the payload of a well-formed one.
void FuzzModelBundle(std::string_view input);
/// Bytes as a trade, or a batch of trades, in JSON: ParseJsonWithin then ParseTrade.
void FuzzTradeJson(std::string_view input);
/// Bytes as one WebSocket text message, answered by AnswerWsMessage against a real scoring service.
void FuzzWsMessage(std::string_view input);
/// Bytes as what a client sends on one connection: Beast's request parser, then Api::Handle for each request.
void FuzzHttpRequest(std::string_view input);
/// Bytes as config.yaml.
void FuzzConfig(std::string_view input);
/// Bytes as an LLM answer (the message content) and as a whole /chat/completions body.
void FuzzLlmAnswer(std::string_view input);

}  // namespace recon::fuzz
