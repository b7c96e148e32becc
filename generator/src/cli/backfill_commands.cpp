// backfill run | status | verify NAME [DIR]: the runtime's backfill runner
// on the command line. Progress goes to stderr: a bar on a terminal, a line
// every few seconds elsewhere (CI logs). The connection string is never
// printed.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/common.hpp"
#include "emit/backfill_spec.hpp"
#include "hyperschema/hyperschema.hpp"

namespace hyperschema::cli {
namespace {

std::string count_text(std::int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return (n < 0 ? "-" : "") + out;
}

std::string duration_text(double seconds) {
    const long long s = static_cast<long long>(seconds + 0.5);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
    return buf;
}

std::string percent_text(double f) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f%%", f * 100);
    return buf;
}

// "42.1%, 1,234,567 rows, 210,345 rows/s, ETA 0:12"
std::string figures(const BackfillStatus& s) {
    std::string out = percent_text(s.fraction()) + ", " + count_text(s.rows_inserted) + " rows";
    if (s.rows_existing) out += " (+" + count_text(s.rows_existing) + " already there)";
    out += ", " + count_text(static_cast<std::int64_t>(s.rows_per_second())) + " rows/s";
    if (auto eta = s.eta_seconds()) out += ", ETA " + duration_text(*eta);
    return out;
}

}  // namespace

std::function<void(const BackfillProgress&)> backfill_progress_printer() {
    const bool bar = interactive();
    auto last = std::make_shared<std::chrono::steady_clock::time_point>();
    return [bar, last](const BackfillProgress& p) {
        const auto now = std::chrono::steady_clock::now();
        const std::string name = "backfill " + p.spec.name;
        if (p.phase != "batch") {
            if (bar) std::cerr << "\r\033[K";
            if (p.phase == "refresh") std::cerr << name << ": refreshing continuous aggregates over the target\n";
            return;
        }
        if (bar) {
            constexpr int kWidth = 30;
            const int filled = static_cast<int>(p.status.fraction() * kWidth);
            std::cerr << "\r\033[K" << name << " [" << std::string(filled, '#') << std::string(kWidth - filled, '.')
                      << "] " << figures(p.status) << std::flush;
        } else if (now - *last >= std::chrono::seconds(2)) {
            char batch[48];
            std::snprintf(batch, sizeof batch, "%.0f ms", p.batch_seconds * 1000);
            std::cerr << name << ": " << figures(p.status) << "; last batch " << count_text(p.batch_rows) << " rows in "
                      << batch << "\n";
            *last = now;
        }
    };
}

namespace {

// The backfill NAME of the one schema under DIR, as the runner takes it.
int find_backfill(const Options& o, BackfillSpec& spec) {
    if (o.args.size() < 2 || o.args.size() > 3) {
        std::cerr << error_prefix() << "usage: hyperschema backfill run|status|verify NAME [DIR] --db DSN\n";
        return kUsage;
    }
    std::vector<CompileResult> results;
    const std::vector<std::string> paths(o.args.begin() + 2, o.args.end());
    int code = compile_all(o, paths, results);
    if (code != kOk) return std::max(code, summarize(results));
    if (results.size() != 1) {
        std::cerr << error_prefix() << "backfill takes one schema directory\n";
        return kUsage;
    }
    const Schema& schema = results[0].schema;
    const Backfill* b = schema.find_backfill(o.args[1]);
    if (!b) {
        std::vector<std::string> names;
        for (const auto& each : schema.backfills) names.push_back(each.name);
        std::cerr << error_prefix() << "schema " << schema.name << " has no backfill `" << o.args[1] << "`"
                  << did_you_mean(o.args[1], names) << "\n";
        return kUsage;
    }
    spec = emit::backfill_spec(schema, *b);
    return kOk;
}

void print_status(const BackfillSpec& spec, const std::optional<BackfillStatus>& s) {
    if (!s) {
        std::cout << "backfill " << spec.name << ": not started\n";
        return;
    }
    using detail::backfill::display;
    const bool current = s->checksum == backfill_checksum(spec);
    std::cout << "backfill " << spec.name << ": " << s->state << (current ? "" : " (of another definition)") << ", "
              << figures(*s) << "\n"
              << "  " << spec.key << " " << display(spec, s->from) << " .. " << display(spec, s->until)
              << ", done through " << display(spec, s->done_through) << ", " << count_text(s->batches) << " batches in "
              << duration_text(s->seconds) << "\n"
              << "  started " << s->started_at << ", updated " << s->updated_at
              << (s->finished_at.empty() ? "" : ", finished " + s->finished_at) << "\n";
}

int backfill_run(const Options& o, const BackfillSpec& spec, connection& conn) {
    BackfillOptions options;
    options.log = [](const std::string& line) { std::cerr << line << "\n"; };
    options.progress = backfill_progress_printer();
    if (o.pause_ms >= 0) options.pause = std::chrono::milliseconds(o.pause_ms);
    if (o.max_rows_per_second > 0) options.max_rows_per_second = o.max_rows_per_second;
    options.restart = o.restart;
    options.max_batches = o.max_batches;
    const BackfillResult r = run_backfill(conn, spec, options);
    clear_live_line();
    print_status(spec, r.status);
    return kOk;
}

int backfill_verify(const BackfillSpec& spec, connection& conn) {
    if (spec.checks.empty()) {
        std::cerr << "hyperschema: backfill " << spec.name << " declares no checks\n";
        return kProblem;
    }
    const BackfillVerification v = verify_backfill(conn, spec);
    for (const auto& c : v.checks) {
        std::cout << (c.passed ? "ok      " : "FAILED  ") << c.name << "\n";
        for (const auto& p : c.problems) std::cout << "        " << p << "\n";
    }
    std::cout << "backfill " << spec.name << ": " << (v.ok() ? "every check passed" : "checks failed") << "\n";
    return v.ok() ? kOk : kProblem;
}

}  // namespace

int run_backfill_command(const Options& o) {
    const std::string sub = o.args.empty() ? "" : o.args[0];
    if (sub != "run" && sub != "status" && sub != "verify") {
        std::cerr << error_prefix() << "backfill takes run, status or verify, then the backfill's name\n";
        return kUsage;
    }
    BackfillSpec spec;
    if (int code = find_backfill(o, spec); code != kOk) return code;
    try {
        auto conn = connect(o.db);
        if (sub == "run") return backfill_run(o, spec, conn);
        if (sub == "verify") return backfill_verify(spec, conn);
        print_status(spec, backfill_status(conn, spec.name));
        return kOk;
    } catch (const backfill_error& e) {
        clear_live_line();
        std::cerr << "hyperschema: backfill stopped: " << e.what() << "\n";
        return kProblem;
    } catch (const connection_lost& e) {
        std::cerr << error_prefix() << e.what() << " (rerun to resume from the last checkpoint)\n";
        return kUsage;
    } catch (const error& e) {
        std::cerr << error_prefix() << e.what() << "\n";
        if (!e.sqlstate().empty()) std::cerr << "SQLSTATE " << e.sqlstate() << "\n";
        return kProblem;
    }
}

}  // namespace hyperschema::cli
