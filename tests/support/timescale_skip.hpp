#pragma once

#include "support/catch.hpp"

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "pg_cluster.hpp"

namespace hyperschema::testing {

// Catch2 v2 cannot mark a test as skipped, so a skipped test passes there (v3
// reports it skipped). To keep that from passing unnoticed, each skip is
// announced on stderr as it happens and again in a summary when the process
// exits. Written to the stderr FILE rather than std::cerr, which Catch's
// JUnit/XML reporters capture.
class SkippedTimescaleTests {
public:
    static void record(const std::string& test_name) {
        std::fprintf(stderr, "SKIPPED (TimescaleDB not installed): %s\n", test_name.c_str());
        std::fflush(stderr);
        auto& skipped = instance();
        std::lock_guard lock(skipped.mutex_);
        skipped.names_.push_back(test_name);
    }

    SkippedTimescaleTests(const SkippedTimescaleTests&) = delete;
    SkippedTimescaleTests& operator=(const SkippedTimescaleTests&) = delete;

    ~SkippedTimescaleTests() {
        if (names_.empty()) return;
        std::string list;
        for (const auto& name : names_) list += (list.empty() ? "" : ", ") + name;
        std::fprintf(stderr,
                     "hyperschema: %zu TimescaleDB test(s) skipped because the extension is not installed: %s\n",
                     names_.size(), list.c_str());
    }

private:
    SkippedTimescaleTests() = default;

    // A function-local static in an inline function: one list per process,
    // however many test files include this header.
    static SkippedTimescaleTests& instance() {
        static SkippedTimescaleTests skipped;
        return skipped;
    }

    std::mutex mutex_;
    std::vector<std::string> names_;
};

}  // namespace hyperschema::testing

#if HYPERSCHEMA_CATCH2_VERSION >= 3
#define HYPERSCHEMA_SKIP_TEST(why) SKIP(why)
#else
#define HYPERSCHEMA_SKIP_TEST(why) SUCCEED(why)
#endif

// First statement of a TEST_CASE that needs TimescaleDB. Without it the test
// passes with a visible SKIPPED line instead of failing. Starts the shared
// cluster if it is not running yet.
#define HYPERSCHEMA_REQUIRE_TIMESCALEDB()                                                                            \
    do {                                                                                                             \
        if (!::hyperschema::testing::PgCluster::shared().has_timescaledb()) {                                        \
            ::hyperschema::testing::SkippedTimescaleTests::record(::Catch::getResultCapture().getCurrentTestName()); \
            HYPERSCHEMA_SKIP_TEST("skipped: TimescaleDB is not installed for this PostgreSQL");                      \
            return;                                                                                                  \
        }                                                                                                            \
    } while (false)
