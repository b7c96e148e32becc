// Bulk loads and reads of 1M rows through the generated typed helpers, against
// what PostgreSQL and libpqxx offer without them:
//
//   load:  benchmetrics::metrics::insert_many (binary COPY FROM STDIN) against
//          the server reading the same rows from a file with COPY ... FROM
//          '<file>' in binary (the ceiling: no client, no network) and in CSV,
//          and against pqxx::stream_to (text COPY); each into the freshly
//          truncated hypertable with its indexes.
//   read:  the time-range helpers (range into a vector, for_each_in_range
//          streaming through a cursor), decoding into row structs, against
//          `psql -c "COPY (...) TO STDOUT" > /dev/null` and a plain pqxx exec
//          of the same SELECT converting every field into a struct.
// (The cost of compiling generated code is bench/compile_bench.cpp's.)
//
// 100 devices over 30 days, one reading per device every 259.2 s. Each figure
// is the median of several runs on one throwaway cluster; only the ratios
// within one run mean anything.

#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <pqxx/pqxx>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "benchmetrics/schema.hpp"
#include "hyperschema/hyperschema.hpp"
#include "support/pg_cluster.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using Clock = std::chrono::steady_clock;
namespace metrics = benchmetrics::metrics;

namespace {

constexpr int kDevices = 100;
constexpr int kReadingsPerDevice = 10000;
constexpr std::size_t kRows = std::size_t{kDevices} * kReadingsPerDevice;
constexpr std::chrono::microseconds kStep{259200000};  // 30 days / 10000
const timestamptz kStart = std::chrono::sys_days(std::chrono::year{2024} / 1 / 1);
const timestamptz kEnd = kStart + std::chrono::days(30);
constexpr std::array<const char*, 4> kMetricTypes{"temperature", "humidity", "pressure", "power"};
constexpr std::array<const char*, 4> kUnits{"C", "%", "hPa", "W"};
const std::vector<std::string> kColumns{"time", "device_id", "metric_type", "value", "unit"};

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// The rows in time order, as a collector would send them.
std::vector<metrics::row> make_rows() {
    std::vector<metrics::row> rows;
    rows.reserve(kRows);
    for (int k = 0; k < kReadingsPerDevice; ++k) {
        for (int d = 0; d < kDevices; ++d) {
            const std::size_t kind = static_cast<std::size_t>(k + d) % kMetricTypes.size();
            rows.push_back(metrics::row{kStart + k * kStep, d, kMetricTypes[kind],
                                        static_cast<double>((k * 7919 + d * 104729) % 100000) / 100.0, kUnits[kind]});
        }
    }
    return rows;
}

// "2024-01-01 00:04:19.200000+00": what the server prints in UTC, padded.
std::string timestamp_text(timestamptz t) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd(day);
    const std::chrono::hh_mm_ss hms(t - day);
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d.%06d+00", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
    return text;
}

// The inverse, for the plain pqxx loop: "YYYY-MM-DD HH:MM:SS[.f...]+00" only.
timestamptz parse_timestamp(const char* s) {
    auto num = [&s](int digits) {
        int v = 0;
        for (int i = 0; i < digits; ++i) v = v * 10 + (*s++ - '0');
        return v;
    };
    const int y = num(4);
    ++s;
    const unsigned mo = static_cast<unsigned>(num(2));
    ++s;
    const unsigned d = static_cast<unsigned>(num(2));
    ++s;
    const int h = num(2);
    ++s;
    const int mi = num(2);
    ++s;
    const int sec = num(2);
    std::int64_t micros = 0;
    if (*s == '.') {
        ++s;
        int digits = 0;
        for (; *s >= '0' && *s <= '9'; ++s, ++digits) micros = micros * 10 + (*s - '0');
        for (; digits < 6; ++digits) micros *= 10;
    }
    const auto day = std::chrono::sys_days(std::chrono::year{y} / mo / d);
    return day + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(sec) +
           std::chrono::microseconds(micros);
}

std::string private_file(const char* suffix) {
    return (fs::temp_directory_path() / ("hyperschema-copy-bench-" + std::to_string(getpid()) + suffix)).string();
}

// The server runs as another user and reads the file itself.
void write_public_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    fs::permissions(path,
                    fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
}

// The binary COPY stream copy_writer sends, encoded with the same codec.
std::string binary_copy_file(const std::vector<metrics::row>& rows) {
    byte_buffer out;
    out.reserve(rows.size() * 48);
    out.append("PGCOPY\n\377\r\n\0", 11);
    detail::wire::put_i32(out, 0);
    detail::wire::put_i32(out, 0);
    for (const auto& r : rows) {
        detail::wire::put_i16(out, 5);
        detail::append_field(out, r.time);
        detail::append_field(out, r.device_id);
        detail::append_field(out, r.metric_type);
        detail::append_field(out, r.value);
        detail::append_field(out, r.unit);
    }
    detail::wire::put_i16(out, -1);
    return out;
}

std::string csv_file(const std::vector<metrics::row>& rows) {
    std::string out;
    out.reserve(rows.size() * 56);
    char number[32];
    for (const auto& r : rows) {
        out += timestamp_text(r.time);
        out += ',';
        out.append(number, std::to_chars(number, number + sizeof number, r.device_id).ptr);
        out += ',';
        out += r.metric_type;
        out += ',';
        out.append(number, std::to_chars(number, number + sizeof number, r.value).ptr);
        out += ',';
        out += r.unit;
        out += '\n';
    }
    return out;
}

void run_sql(hyperschema::connection& conn, const std::string& sql) {
    pqxx::nontransaction(conn).exec(sql);
}

std::uint64_t count_rows(hyperschema::connection& conn) {
    pqxx::nontransaction tx(conn);
    return tx.exec("SELECT count(*) FROM metrics")[0][0].as<std::uint64_t>();
}

// Guards against a benchmark that reads nothing (and against the optimiser).
struct checksum {
    std::int64_t sum = 0;
    void add(const metrics::row& r) {
        sum += r.time.time_since_epoch().count() + r.device_id + static_cast<std::int64_t>(r.value * 100) +
               static_cast<std::int64_t>(r.metric_type.size() + r.unit.size());
    }
};

struct figure {
    const char* name;
    std::vector<double> seconds;
    double rate() const { return static_cast<double>(kRows) / median(seconds); }
};

void print(const figure& f, const char* note = "") {
    std::printf("  %-40s %6.3f M rows/s  (%6.2f s)%s\n", f.name, f.rate() / 1e6, median(f.seconds), note);
}

void bench_loads(hyperschema::connection& conn, const std::vector<metrics::row>& rows, const std::string& binary_path,
                 const std::string& csv_path, int runs) {
    // stream_to's rows, timestamps as text: formatted beforehand, as the
    // other methods get their input ready-made too.
    std::vector<std::tuple<std::string, int, std::string, double, std::string>> text_rows;
    text_rows.reserve(rows.size());
    for (const auto& r : rows)
        text_rows.emplace_back(timestamp_text(r.time), r.device_id, r.metric_type, r.value, r.unit);

    const std::string columns = "(\"time\", device_id, metric_type, value, unit)";
    figure typed{"metrics::insert_many (binary COPY)", {}};
    figure server_binary{"server COPY FROM file, binary (ceiling)", {}};
    figure server_csv{"server COPY FROM file, CSV", {}};
    figure stream_to{"pqxx::stream_to (text COPY)", {}};
    std::vector<std::pair<figure*, std::function<void()>>> methods = {
        {&typed,
         [&] {
             pqxx::work tx(conn);
             metrics::insert_many(tx, rows);
             tx.commit();
         }},
        {&server_binary,
         [&] {
             pqxx::work tx(conn);
             tx.exec("COPY metrics " + columns + " FROM " + tx.quote(binary_path) + " (FORMAT binary)");
             tx.commit();
         }},
        {&server_csv,
         [&] {
             pqxx::work tx(conn);
             tx.exec("COPY metrics " + columns + " FROM " + tx.quote(csv_path) + " (FORMAT csv)");
             tx.commit();
         }},
        {&stream_to,
         [&] {
             pqxx::work tx(conn);
#if PQXX_VERSION_MAJOR >= 7
             // Pre-quoted: table() takes the columns as an initializer list
             // in 7.10.0, as any range of strings only in later releases.
             auto s = pqxx::stream_to::raw_table(tx, "metrics", "\"time\", device_id, metric_type, value, unit");
#else
             pqxx::stream_to s(tx, "metrics", kColumns);
#endif
             for (const auto& t : text_rows) s << t;
             s.complete();
             tx.commit();
         }},
    };
    for (int run = 0; run < runs; ++run) {
        // Each round in another order, so none always follows the same one.
        std::rotate(methods.begin(), methods.begin() + 1, methods.end());
        for (auto& [f, load] : methods) {
            run_sql(conn, "TRUNCATE metrics");
            run_sql(conn, "CHECKPOINT");
            const auto start = Clock::now();
            load();
            f->seconds.push_back(seconds_since(start));
            if (const auto n = count_rows(conn); n != kRows)
                std::fprintf(stderr, "%s loaded %llu rows, not %zu\n", f->name, static_cast<unsigned long long>(n),
                             kRows);
        }
    }
    std::printf(
        "load %zu rows into the empty hypertable (2 indexes, autovacuum off; median of %d; wall clock incl. commit):\n",
        kRows, runs);
    print(typed);
    print(server_binary);
    print(server_csv);
    print(stream_to, "  (timestamps formatted beforehand)");
    std::printf("  insert_many / server binary COPY       %6.2fx (target >= 0.9x)\n",
                typed.rate() / server_binary.rate());
    std::printf("  insert_many / stream_to                %6.2fx (target > 1x)\n", typed.rate() / stream_to.rate());
}

void bench_reads(testing::PgCluster& pg, const std::string& db, hyperschema::connection& conn, int runs) {
    const std::string select =
        "SELECT \"time\", device_id, metric_type, value, unit FROM public.metrics WHERE \"time\" >= '" +
        timestamp_text(kStart) + "' AND \"time\" < '" + timestamp_text(kEnd) + "' ORDER BY \"time\"";
    figure range{"metrics::range (vector of rows)", {}};
    figure streamed{"metrics::for_each_in_range (cursor)", {}};
    figure psql{"psql COPY (SELECT ...) TO STDOUT, text", {}};
    figure plain{"pqxx exec + per-field as<T>()", {}};
    std::int64_t expected = 0;
    bool mismatch = false;
    auto verify = [&](const figure& f, std::size_t n, const checksum& sum) {
        if (n != kRows || (expected != 0 && sum.sum != expected)) {
            std::fprintf(stderr, "%s read %zu rows (checksum %lld, expected %lld)\n", f.name, n,
                         static_cast<long long>(sum.sum), static_cast<long long>(expected));
            mismatch = true;
        }
        expected = sum.sum;
    };
    std::vector<std::pair<figure*, std::function<void()>>> methods = {
        {&range,
         [&] {
             pqxx::work tx(conn);
             std::vector<metrics::row> got = metrics::range(tx, kStart, kEnd);
             checksum sum;
             for (const auto& r : got) sum.add(r);
             tx.commit();
             verify(range, got.size(), sum);
         }},
        {&streamed,
         [&] {
             pqxx::work tx(conn);
             checksum sum;
             const auto n =
                 metrics::for_each_in_range(tx, kStart, kEnd, {}, [&sum](const metrics::row& r) { sum.add(r); });
             tx.commit();
             verify(streamed, n, sum);
         }},
        {&psql,
         [&] {
             std::string output;
             const int status =
                 testing::run_command({"sh", "-c", "exec \"$0\" \"$@\" > /dev/null", pg.bin_dir() + "/psql", "-X", "-q",
                                       "-v", "ON_ERROR_STOP=1", "-h", pg.host(), "-p", std::to_string(pg.port()), "-U",
                                       "postgres", "-d", db, "-c", "COPY (" + select + ") TO STDOUT"},
                                      &output);
             if (status != 0) std::fprintf(stderr, "psql failed (%d): %s\n", status, output.c_str());
         }},
        {&plain,
         [&] {
             pqxx::work tx(conn);
             const pqxx::result res = tx.exec(select);
             std::vector<metrics::row> got;
             got.reserve(res.size());
             for (const auto& row : res)
                 got.push_back(metrics::row{parse_timestamp(row[0].c_str()), row[1].as<int>(), row[2].as<std::string>(),
                                            row[3].as<double>(), row[4].as<std::string>()});
             tx.commit();
             checksum sum;
             for (const auto& r : got) sum.add(r);
             verify(plain, got.size(), sum);
         }},
    };
    for (int run = 0; run < runs; ++run) {
        std::rotate(methods.begin(), methods.begin() + 1, methods.end());
        for (auto& [f, read] : methods) {
            const auto start = Clock::now();
            read();
            f->seconds.push_back(seconds_since(start));
        }
    }
    std::printf("\nread the %zu rows of 30 days, oldest first (median of %d; wall clock):\n", kRows, runs);
    print(range);
    print(streamed);
    print(psql, "  (a process and connection included)");
    print(plain, "  (timestamp parsed by hand)");
    std::printf("  range / psql COPY TO STDOUT            %6.2fx (target >= 1.0x)\n", range.rate() / psql.rate());
    std::printf("  for_each_in_range / psql               %6.2fx (target >= 1.0x)\n", streamed.rate() / psql.rate());
    std::printf("  range / plain pqxx loop                %6.2fx (target >= 1.5x)\n", range.rate() / plain.rate());
    std::printf("  for_each_in_range / plain pqxx loop    %6.2fx (target >= 1.5x)\n", streamed.rate() / plain.rate());
    if (mismatch) std::printf("  (the readers disagreed on the rows: see stderr)\n");
}

}  // namespace

// Arguments pick parts: load, read (default: both).
int main(int argc, char** argv) {
    std::set<std::string> parts(argv + 1, argv + argc);
    for (const auto& part : parts) {
        if (part != "load" && part != "read") {
            std::fprintf(stderr, "usage: %s [load] [read]\n", argv[0]);
            return 2;
        }
    }
    auto wanted = [&](const char* part) { return parts.empty() || parts.count(part) > 0; };
    auto& pg = testing::PgCluster::shared();
    if (!pg.has_timescaledb()) {
        std::printf("copy bench: TimescaleDB is not installed; the benchmark needs it, skipped\n");
        return 0;
    }
    std::printf("PostgreSQL cluster on port %d (fsync off), TimescaleDB installed\n\n", pg.port());
    const std::string db = pg.create_database("copy_bench");
    auto conn = hyperschema::connect(pg.dsn(db));
    {
        std::ifstream in(BENCHMETRICS_SCHEMA_SQL);
        std::stringstream sql;
        sql << in.rdbuf();
        migrate(conn, {Migration{1, "init", sql.str(), "", ""}});
    }
    // Chunks inherit it: no autovacuum of one load's chunks runs during the next.
    run_sql(conn, "ALTER TABLE metrics SET (autovacuum_enabled = false)");

    const std::vector<metrics::row> rows = make_rows();
    if (wanted("load")) {
        const std::string binary_path = private_file(".bin"), csv_path = private_file(".csv");
        write_public_file(binary_path, binary_copy_file(rows));
        write_public_file(csv_path, csv_file(rows));
        bench_loads(conn, rows, binary_path, csv_path, 5);
        fs::remove(binary_path);
        fs::remove(csv_path);
    }
    if (wanted("read")) {
        run_sql(conn, "TRUNCATE metrics");
        {
            pqxx::work tx(conn);
            metrics::insert_many(tx, rows);
            tx.commit();
        }
        run_sql(conn, "VACUUM ANALYZE metrics");
        bench_reads(pg, db, conn, 5);
    }
    return 0;
}
