#pragma once

#include "expected.hpp"

#include <filesystem>

namespace herald {

// An exclusive lock between herald processes on one machine, held while the object lives: an
// flock(2) on `<path>.lock` (created 0600 beside `path`, whose directory must exist). Two runs
// that renew the same token must not both spend it: the second waits, then reads what the
// first kept. The lock goes with the process, so a crash never leaves it taken.
class FileLock
{
public:
  // Waits until the lock is free; the error says which file could not be locked and why.
  static Result<FileLock> acquire(const std::filesystem::path& path);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

private:
  explicit FileLock(int fd)
    : m_fd(fd)
  {
  }
  int m_fd;
};

} // namespace herald
