// What generated code costs an application's build, on a schema of 500
// tables (100 of them hypertables) and 100 continuous aggregates:
//
//   generate: `hyperschema generate` of the whole schema;
//   compile:  g++ -std=c++20 -fsyntax-only, time and peak memory, of a file
//             that includes
//               - only the runtime (<hyperschema/hyperschema.hpp>): the floor;
//               - one table's header (the largest);
//               - the umbrella schema.hpp (every relation);
//             and of the generated source itself (compiled once, into the
//             library the CMake function builds).
//
// Figures are medians of several runs, the translation units compiled in
// turn so that a change in the machine's load falls on all of them; only the
// ratios within one run mean anything.
//
//   hyperschema_compile_bench [RUNS]

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

extern char** environ;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kTables = 500;
constexpr int kHypertables = 100;  // the first ones
constexpr int kAggregates = 100;   // one per hypertable

struct Run {
    double seconds = 0;
    long peak_kb = 0;  // the largest process of the run (the compiler proper)
};

// Runs argv, output discarded; its time and the peak memory of it and its children.
Run run(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    const auto start = Clock::now();
    pid_t pid = 0;
    if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
        std::fprintf(stderr, "cannot run %s\n", args[0]);
        std::exit(2);
    }
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    Run r;
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    // The driver waits for cc1plus: its rusage carries the child's peak.
    r.peak_kb = usage.ru_maxrss;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "%s failed (status %d)\n", args[0], status);
        std::exit(2);
    }
    return r;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

long median(std::vector<long> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// 500 tables of 8-14 columns of every common type, keys, a foreign key, an
// index; 100 of them hypertables with compression and retention; an hourly
// aggregate over each hypertable.
std::string big_schema() {
    std::string y = "schema: {name: big}\n\nenums:\n  state: [active, idle, retired]\n\ntables:\n";
    y += "  sites:\n    columns: {site_id: bigint, name: text}\n    primary_key: [site_id]\n";
    for (int t = 0; t < kTables; ++t) {
        const std::string n = "t" + std::to_string(t);
        const bool hyper = t < kHypertables;
        y += "  " + n + ":\n    comment: Table number " + std::to_string(t) + "\n    columns:\n";
        y += hyper ? "      time: timestamptz\n" : "      id: bigint\n";
        y += "      device_id: text\n      site_id: bigint\n      value: double precision\n";
        y += "      reading: real?\n      amount: numeric(12,3)?\n      note: varchar(200)?\n";
        y += "      flags: jsonb?\n      state: state\n";
        for (int extra = 0; extra < t % 7; ++extra) y += "      extra_" + std::to_string(extra) + ": integer?\n";
        y += "      created_at: {type: timestamptz, default_sql: now()}\n";
        y += hyper ? "    primary_key: [device_id, time]\n" : "    primary_key: [id]\n";
        y += "    foreign_keys:\n      - {columns: [site_id], references: sites}\n";
        y += "    indexes:\n      idx_" + n + "_device: [device_id]\n";
        if (hyper) {
            y += "    hypertable:\n      time_column: time\n      chunk_interval: 1 day\n";
            y += "      compression: {segment_by: [device_id], after: 7 days}\n      retention: 365 days\n";
        }
    }
    y += "\naggregates:\n";
    for (int a = 0; a < kAggregates; ++a) {
        const std::string src = "t" + std::to_string(a % kHypertables);
        y += "  a" + std::to_string(a) + "_hourly:\n    from: " + src + "\n    bucket: 1 hour\n";
        y += "    group_by: [device_id]\n    columns:\n      avg_value: avg(value)\n      max_value: max(value)\n";
        y += "      readings: count(*)\n      last_reading: last(reading, time)\n      total: sum(amount)\n";
        y += "    refresh: {start_offset: 3 hours, end_offset: 1 hour, schedule: 1 hour}\n";
    }
    return y;
}

}  // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    const fs::path dir = fs::temp_directory_path() / ("hyperschema-compile-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir / "big");
    std::ofstream(dir / "big" / "schema.yaml") << big_schema();
    const std::string out = (dir / "out").string();
    const std::string include = out + "/big/include";

    std::vector<double> generate;
    for (int i = 0; i < runs; ++i) {
        fs::remove_all(out);
        generate.push_back(run({HYPERSCHEMA_CLI, "generate", (dir / "big").string(), "--out", out}).seconds);
    }

    // The largest relation: a hypertable with the most extra columns.
    int widest = 0;
    for (int t = 0; t < kHypertables; ++t)
        if (t % 7 == 6) widest = t;
    const std::string largest = "big/tables/t" + std::to_string(widest) + ".hpp";
    struct Unit {
        const char* what;
        std::string source;
        std::vector<double> seconds;
        std::vector<long> peak;
    };
    std::vector<Unit> units{
        {"only the runtime (the floor)", "#include <hyperschema/hyperschema.hpp>\nint main() {}\n", {}, {}},
        {"one table's header", "#include \"" + largest + "\"\nint main() {}\n", {}, {}},
        {"the umbrella schema.hpp", "#include \"big/schema.hpp\"\nint main() {}\n", {}, {}},
    };
    for (size_t u = 0; u < units.size(); ++u) {
        std::ofstream(dir / ("unit" + std::to_string(u) + ".cpp")) << units[u].source;
    }
    auto compile = [&](const std::string& source) {
        return run({HYPERSCHEMA_CXX, "-std=c++20", "-fsyntax-only", "-I",
                    std::string(HYPERSCHEMA_SOURCE_DIR) + "/include", "-I", include, "-isystem",
                    "/usr/include/postgresql", source});
    };
    for (int i = 0; i < runs; ++i) {
        for (size_t u = 0; u < units.size(); ++u) {
            Run r = compile((dir / ("unit" + std::to_string(u) + ".cpp")).string());
            units[u].seconds.push_back(r.seconds);
            units[u].peak.push_back(r.peak_kb);
        }
    }
    const Run source = compile(out + "/big/src/big.cpp");
    // The same definitions split in 8 (generate --sources 8, SOURCES 8 in CMake).
    constexpr int kParts = 8;
    const std::string split_out = (dir / "split").string();
    run({HYPERSCHEMA_CLI, "generate", (dir / "big").string(), "--out", split_out, "--sources", std::to_string(kParts)});
    double split_total = 0, split_longest = 0;
    long split_peak = 0;
    for (int part = 0; part < kParts; ++part) {
        const std::string file = split_out + "/big/src/big" + (part ? "_" + std::to_string(part) : "") + ".cpp";
        Run r =
            run({HYPERSCHEMA_CXX, "-std=c++20", "-fsyntax-only", "-I", std::string(HYPERSCHEMA_SOURCE_DIR) + "/include",
                 "-I", split_out + "/big/include", "-isystem", "/usr/include/postgresql", file});
        split_total += r.seconds;
        split_longest = std::max(split_longest, r.seconds);
        split_peak = std::max(split_peak, r.peak_kb);
    }

    std::uintmax_t header_bytes = 0;
    for (const auto& e : fs::recursive_directory_iterator(include))
        if (e.is_regular_file()) header_bytes += e.file_size();
    const double floor_s = median(units[0].seconds);
    const long floor_kb = median(units[0].peak);
    std::printf("schema: %d tables (%d hypertables), %d continuous aggregates; headers %ju KB in all, %s\n", kTables,
                kHypertables, kAggregates, header_bytes / 1024, largest.c_str());
    std::printf("hyperschema generate: %.2f s (median of %d; target < 0.5 s)\n\n", median(generate), runs);
    std::printf("%s -std=c++20 -fsyntax-only, median of %d:\n", HYPERSCHEMA_CXX, runs);
    std::printf("  %-32s %7s %9s %12s %10s\n", "translation unit includes", "time", "x floor", "peak memory",
                "x floor");
    const double targets_s[] = {1.0, 1.2, 2.0};
    const double targets_kb[] = {1.0, 0, 1.5};
    for (size_t u = 0; u < units.size(); ++u) {
        const double s = median(units[u].seconds);
        const long kb = median(units[u].peak);
        std::printf("  %-32s %6.2fs %8.2fx %9ld MB %9.2fx", units[u].what, s, s / floor_s, kb / 1024,
                    static_cast<double>(kb) / floor_kb);
        if (u > 0) {
            std::printf("  (target <= %.1fx time", targets_s[u]);
            if (targets_kb[u] > 0) std::printf(", <= %.1fx memory", targets_kb[u]);
            std::printf(")");
        }
        std::printf("\n");
    }
    std::printf("  %-32s %6.2fs %8s %9ld MB  (compiled once, into the library)\n", "the generated big.cpp",
                source.seconds, "", source.peak_kb / 1024);
    std::printf("  %-32s %6.2fs %8s %9ld MB  (the longest and largest of %d; %.2f s in all)\n",
                "the same in 8 files (--sources 8)", split_longest, "", split_peak / 1024, kParts, split_total);
    fs::remove_all(dir);
    return 0;
}
