#pragma once

// A session-level advisory lock held for the lifetime of the object: one
// migration runner per history table, one backfill runner per backfill.
//
// Waiting polls pg_try_advisory_lock instead of blocking in
// pg_advisory_lock: a blocked statement holds a snapshot, and CREATE INDEX
// CONCURRENTLY in the runner that has the lock waits for every such
// snapshot, which would be a deadlock.

#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "hyperschema/detail/pqxx_bridge.hpp"

namespace hyperschema::detail {

class AdvisoryLock {
public:
    struct Waiting {
        std::optional<std::chrono::milliseconds> at_most;  // none: wait as long as it takes
        std::function<void()> on_first_wait;               // says that it waits (may be empty)
        std::function<void()> on_give_up;                  // throws the caller's error
    };

    AdvisoryLock(connection& conn, std::string key, const Waiting& waiting) : conn_(conn), key_(std::move(key)) {
        const auto started = std::chrono::steady_clock::now();
        auto pause = std::chrono::milliseconds(20);
        for (bool first = true; !try_lock(); first = false) {
            if (waiting.at_most && std::chrono::steady_clock::now() - started >= *waiting.at_most) {
                waiting.on_give_up();  // throws the caller's error
                throw std::logic_error("advisory lock " + key_ + ": on_give_up returned without throwing");
            }
            if (first && waiting.on_first_wait) waiting.on_first_wait();
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::milliseconds(500));
        }
        held_ = true;
    }

    ~AdvisoryLock() {
        if (!held_) return;
        try {
            pqxx::nontransaction n(conn_);
            pqxx_bridge::exec(n, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", key_);
        } catch (...) {
            // Session-level: closing the connection releases it anyway.
        }
    }

    AdvisoryLock(const AdvisoryLock&) = delete;
    AdvisoryLock& operator=(const AdvisoryLock&) = delete;

private:
    bool try_lock() {
        pqxx::nontransaction n(conn_);
        return pqxx_bridge::exec(n, "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", key_)[0][0].as<bool>();
    }

    connection& conn_;
    std::string key_;
    bool held_ = false;
};

}  // namespace hyperschema::detail
