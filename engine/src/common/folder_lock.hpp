#pragma once
// An exclusive lock on a folder, held through `.vigie.lock` in it, so that
// two processes never write the same stores and files at once.

#include <stdexcept>
#include <string>

namespace vigie::common {

// Thrown when another process holds the lock of the folder.
class FolderBusy : public std::runtime_error {
 public:
  FolderBusy(const std::string& folder, long holder_pid);
  const std::string& folder() const { return folder_; }
  // The process id written in the lock file by the holder; 0 when unknown.
  long holder_pid() const { return holder_pid_; }

 private:
  std::string folder_;
  long holder_pid_;
};

// Holds an flock(2) lock on <folder>/.vigie.lock until destroyed, and writes
// the process id into that file so that a second process can name the first.
// The kernel releases the lock when the process ends, even on SIGKILL.
class FolderLock {
 public:
  // Throws FolderBusy when another process holds the lock, and
  // std::runtime_error when the lock file cannot be created.
  explicit FolderLock(const std::string& folder);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace vigie::common
