// WebSocket round-trip benchmark client: sends every line of a JSON-lines file as one message over one
// connection, keeping at most `window` messages unanswered, and reports trades/s once every answer is back.
// Used against recon and the Python peer alike (same message format).
//   recon_ws_bench HOST PORT PATH TRADES.jsonl [WINDOW=100]
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s HOST PORT PATH TRADES.jsonl [WINDOW]\n", argv[0]);
    return 2;
  }
  const std::size_t window = argc > 5 ? std::stoul(argv[5]) : 100;
  std::vector<std::string> trades;
  std::ifstream in(argv[4]);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) trades.push_back(line);
  }
  boost::asio::io_context ioc;
  websocket::stream<tcp::socket> ws(ioc);
  tcp::resolver resolver(ioc);
  boost::asio::connect(ws.next_layer(), resolver.resolve(argv[1], argv[2]));
  ws.handshake(argv[1], argv[3]);
  ws.text(true);
  std::size_t sent = 0;
  std::size_t received = 0;
  std::size_t errors = 0;
  beast::flat_buffer buffer;
  const auto started = std::chrono::steady_clock::now();
  while (received < trades.size()) {
    while (sent < trades.size() && sent - received < window) ws.write(boost::asio::buffer(trades[sent++]));
    ws.read(buffer);
    const std::string answer = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    if (answer.find("\"error\"") != std::string::npos) ++errors;
    ++received;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ws.close(websocket::close_code::normal);
  std::printf("{\"trades\": %zu, \"seconds\": %.4f, \"trades_per_s\": %.1f, \"errors\": %zu, \"window\": %zu}\n",
              trades.size(), seconds, static_cast<double>(trades.size()) / seconds, errors, window);
  return errors == 0 ? 0 : 1;
}
