#include "recon/core/json_input.hpp"

#include <vector>

namespace recon {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxKeyInPath = 64;
constexpr std::size_t kMaxMessageBytes = 200;

// nlohmann's messages start with "[json.exception.parse_error.101] " and may quote a whole (long) token.
std::string ClientMessage(const std::string& what) {
  std::string text = what;
  if (!text.empty() && text.front() == '[') {
    const std::size_t end = text.find("] ");
    if (end != std::string::npos) text.erase(0, end + 2);
  }
  if (text.size() > kMaxMessageBytes) text = text.substr(0, kMaxMessageBytes) + "...";
  return text;
}

// Forwards every event to nlohmann's DOM builder after checking the limits, and keeps the path of the member being
// read so a refusal can name it.
class BoundedDomBuilder {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  BoundedDomBuilder(json& root, const JsonLimits& limits) : dom_(root, /*allow_exceptions=*/false), limits_(limits) {}

  bool null() { return NextValue() && dom_.null(); }
  bool boolean(bool value) { return NextValue() && dom_.boolean(value); }
  bool number_integer(number_integer_t value) { return NextValue() && dom_.number_integer(value); }
  bool number_unsigned(number_unsigned_t value) { return NextValue() && dom_.number_unsigned(value); }
  bool number_float(number_float_t value, const string_t& text) { return NextValue() && dom_.number_float(value, text); }
  bool binary(binary_t& value) { return NextValue() && dom_.binary(value); }
  bool string(string_t& value) {
    if (!NextValue()) return false;
    if (value.size() > limits_.max_string_bytes) return Refuse(JsonProblemKind::kTooLong, TooLongMessage(value.size()));
    return dom_.string(value);
  }
  bool key(string_t& name) {
    frames_.back().key = name.substr(0, kMaxKeyInPath);
    if (name.size() > limits_.max_string_bytes) return Refuse(JsonProblemKind::kTooLong, TooLongMessage(name.size()));
    return dom_.key(name);
  }
  bool start_object(std::size_t size) { return Open(false) && dom_.start_object(size); }
  bool start_array(std::size_t size) { return Open(true) && dom_.start_array(size); }
  bool end_object() {
    frames_.pop_back();
    return dom_.end_object();
  }
  bool end_array() {
    frames_.pop_back();
    return dom_.end_array();
  }

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& /*token*/, const Exception& error) {
    byte_ = position;
    if constexpr (std::is_same_v<Exception, nlohmann::detail::out_of_range>) {
      NextValue();  // the number that did not fit is the member's value: name it
      return Refuse(JsonProblemKind::kOutOfRange, "number out of range (it does not fit a double)");
    }
    return Refuse(JsonProblemKind::kMalformed, ClientMessage(error.what()));
  }

  std::optional<JsonProblem> TakeProblem() { return std::move(problem_); }

 private:
  struct Frame {
    bool array = false;
    std::size_t index = 0;  // elements begun so far, in an array
    std::string key;        // the member being read, in an object
  };

  bool NextValue() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    if (++values_ > limits_.max_values) {
      return Refuse(JsonProblemKind::kTooLarge,
                    "more than " + std::to_string(limits_.max_values) + " values in one document");
    }
    return true;
  }

  bool Open(bool array) {
    if (!NextValue()) return false;
    if (frames_.size() >= limits_.max_depth) {
      return Refuse(JsonProblemKind::kTooDeep,
                    "nested deeper than " + std::to_string(limits_.max_depth) + " arrays and objects");
    }
    frames_.push_back({array, 0, {}});
    return true;
  }

  std::string TooLongMessage(std::size_t bytes) const {
    return "a string of " + std::to_string(bytes) + " bytes; at most " + std::to_string(limits_.max_string_bytes) +
           " are accepted";
  }

  std::string Path() const {
    std::string path;
    for (const Frame& frame : frames_) {
      if (frame.array) {
        if (frame.index > 0) path += "[" + std::to_string(frame.index - 1) + "]";
      } else if (!frame.key.empty()) {
        if (!path.empty()) path += '.';
        path += frame.key;
      }
    }
    return path;
  }

  bool Refuse(JsonProblemKind kind, std::string message) {
    if (!problem_) problem_ = JsonProblem{kind, Path(), byte_, std::move(message)};
    return false;
  }

  nlohmann::detail::json_sax_dom_parser<json> dom_;
  const JsonLimits& limits_;
  std::vector<Frame> frames_;
  std::size_t byte_ = 0;
  std::size_t values_ = 0;
  std::optional<JsonProblem> problem_;
};

}  // namespace

JsonInput ParseJsonWithin(std::string_view text, const JsonLimits& limits) {
  JsonInput input;
  BoundedDomBuilder builder(input.value, limits);
  const bool parsed = json::sax_parse(text.begin(), text.end(), &builder);
  input.problem = builder.TakeProblem();
  if (!parsed || input.problem) {
    if (!input.problem) input.problem = JsonProblem{JsonProblemKind::kMalformed, "", 0, "not a JSON document"};
    input.value = json();  // a partial document is never handed on
  }
  return input;
}

std::string DescribeJsonProblem(const JsonProblem& problem) {
  return problem.path.empty() ? problem.message : problem.path + ": " + problem.message;
}

}  // namespace recon
