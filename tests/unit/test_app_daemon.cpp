#include "app/daemon.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace herald;
using namespace std::chrono_literals;

TEST_SUITE("app.daemon")
{
  TEST_CASE("Waker times out without a notification and wakes at once with one")
  {
    const app::Waker waker;
    const auto start = std::chrono::steady_clock::now();
    CHECK(waker.wait(50ms).empty());
    CHECK(std::chrono::steady_clock::now() - start >= 40ms);

    waker.notify('h');
    waker.notify('t');
    CHECK(waker.wait(10s) == "ht");
    CHECK(waker.wait(0ms).empty());
  }

  TEST_CASE("Waker wakes a waiting thread")
  {
    const app::Waker waker;
    std::thread notifier([&] {
      std::this_thread::sleep_for(20ms);
      waker.notify('t');
    });
    const auto start = std::chrono::steady_clock::now();
    CHECK(waker.wait(10s) == "t");
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    notifier.join();
  }
}
