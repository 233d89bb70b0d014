#include "common/folder_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace vigie::common {

namespace {

// Reads the process id that the holder wrote; 0 when the file contains none.
long read_holder_pid(int fd) {
  char text[32] = {};
  const ssize_t size = ::pread(fd, text, sizeof text - 1, 0);
  if (size <= 0) return 0;
  return std::strtol(text, nullptr, 10);
}

}  // namespace

FolderBusy::FolderBusy(const std::string& folder, long holder_pid)
    : std::runtime_error(
          "another process" +
          (holder_pid > 0 ? " (pid " + std::to_string(holder_pid) + ")" : std::string()) +
          " holds the lock on the folder " + folder),
      folder_(folder),
      holder_pid_(holder_pid) {}

FolderLock::FolderLock(const std::string& folder) {
  const std::string path = (std::filesystem::path(folder) / ".vigie.lock").string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw std::runtime_error("cannot create " + path + "; check that the folder is writable");
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const long holder = read_holder_pid(fd_);
    ::close(fd_);
    throw FolderBusy(folder, holder);
  }

  // The process id is only a hint for the message of a second process, so a
  // failed write leaves the lock held.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

FolderLock::~FolderLock() {
  ::close(fd_);
}

}  // namespace vigie::common
