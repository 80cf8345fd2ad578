#include "recon/store/run_owner.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>

namespace recon::store {
namespace {

struct ProcessStat {
  char state = '?';
  std::uint64_t start_ticks = 0;
};

// /proc/<pid>/stat: "pid (comm) state ppid ... starttime ...". comm may hold spaces and parentheses, so the fields
// are counted from the last ')'; starttime is field 22, the 20th after comm.
std::optional<ProcessStat> ReadProcessStat(const std::string& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  const std::string line = text.str();
  const std::size_t comm_end = line.rfind(')');
  if (comm_end == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(comm_end + 1));
  ProcessStat stat;
  std::string skipped;
  if (!(fields >> stat.state)) return std::nullopt;
  for (int field = 4; field < 22; ++field) {
    if (!(fields >> skipped)) return std::nullopt;
  }
  if (!(fields >> stat.start_ticks)) return std::nullopt;
  return stat;
}

// The boot time as ISO 8601 UTC ("" when unknown): a run begun before it cannot still be running.
std::string BootTimeIso8601() {
  std::ifstream file("/proc/stat");
  std::string key;
  long long boot_seconds = -1;
  while (file >> key) {
    if (key == "btime") {
      file >> boot_seconds;
      break;
    }
  }
  if (boot_seconds < 0) return "";
  const std::time_t seconds = static_cast<std::time_t>(boot_seconds);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  return text;
}

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

}  // namespace

RunOwner CurrentRunOwner() {
  RunOwner owner;
  owner.host = HostName();
  owner.pid = static_cast<std::int64_t>(::getpid());
  if (const auto stat = ReadProcessStat("/proc/self/stat")) owner.start_ticks = stat->start_ticks;
  return owner;
}

OwnerLiveness CheckRunOwner(const RunOwner& owner) {
  if (owner.host.empty()) {
    // Recorded before owners were (or by an older recon still running beside this one, mid-upgrade): ended only
    // if it began before this machine's boot.
    const std::string boot = BootTimeIso8601();
    const bool before_boot = !boot.empty() && !owner.started_at.empty() && owner.started_at.compare(0, 19, boot) < 0;
    return before_boot ? OwnerLiveness::kEnded : OwnerLiveness::kUnknown;
  }
  if (owner.host != HostName()) return OwnerLiveness::kUnknown;
  if (owner.pid <= 0) return OwnerLiveness::kEnded;
  if (const auto stat = ReadProcessStat("/proc/" + std::to_string(owner.pid) + "/stat")) {
    // A zombie has ended: it will never finish its run, whoever reaps it.
    if (stat->state == 'Z' || stat->state == 'X') return OwnerLiveness::kEnded;
    if (owner.start_ticks != 0 && stat->start_ticks != owner.start_ticks) return OwnerLiveness::kEnded;
    return OwnerLiveness::kAlive;
  }
  // No /proc entry to read (not mounted, or hidden by hidepid): ask the kernel whether the pid exists at all.
  if (::kill(static_cast<pid_t>(owner.pid), 0) == 0 || errno == EPERM) return OwnerLiveness::kAlive;
  return OwnerLiveness::kEnded;
}

std::string InterruptedStatus(std::uint64_t committed) {
  return "interrupted: the process ended without finishing (killed or crashed); " + std::to_string(committed) +
         " anomalies committed";
}

}  // namespace recon::store
