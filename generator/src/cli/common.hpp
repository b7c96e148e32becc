#pragma once

// What the CLI's commands share: options, exit codes, compiling the schemas
// named on the command line, and writing files only when they change.

#include <functional>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "hyperschema/backfill.hpp"
#include "hyperschema/connection.hpp"
#include "hyperschema/migration.hpp"
#include "hyperschema/verify.hpp"
#include "pipeline/compile.hpp"
#include "pull/pull.hpp"

namespace hyperschema::cli {

// Exit codes: 0 ok, 1 the check found a problem, 2 usage or I/O error.
constexpr int kOk = 0, kProblem = 1, kUsage = 2;

// Colour on stderr (errors, warnings, the diagnostics' locations), as GCC
// shows them: `auto` (the default) when stderr is a terminal, TERM is not
// `dumb` and NO_COLOR is unset or empty (no-color.org); `always`; `never`.
bool set_colour(const std::string& when);  // false for another word
bool colour_on_stderr();
// "hyperschema: error: " and its kin, bold and coloured when colour is on.
std::string error_prefix();
std::string refused_prefix();
std::string warning_prefix();

// Compiles every schema under `paths` (default "."), printing diagnostics to
// stderr. Returns an exit code; fills `results` with every schema compiled.
int compile_all(const Options& o, const std::vector<std::string>& paths, std::vector<CompileResult>& results);

// Prints the error/warning count when there is one; kProblem when errors.
int summarize(const std::vector<CompileResult>& results);

bool read_file(const std::string& path, std::string& text);

// A schema's migration history: --migrations, else OUT/<schema>/migrations.
std::string migrations_dir(const Options& o, const Schema& schema);

// --migrations names one schema's history: false (and says so) when the
// command got several schemas.
bool one_history(const Options& o, const std::vector<CompileResult>& results);

// Writes only when the content differs, so unchanged outputs keep their mtime
// and builds that depend on them do not rerun. With `check`, writes nothing
// and reports a stale or missing file. Returns kOk or kUsage (I/O error).
int write_if_changed(const std::string& path, const std::string& content, bool check, bool& stale);

int run_migrate(const Options& o);
int run_database_migrate(const Options& o);  // migrate up | down [N] | status
int run_diff(const Options& o);
int run_check(const Options& o);
int run_verify(const Options& o);  // verify [DIR]: the live database against the schema
int run_pull(const Options& o);
int run_backfill_command(const Options& o);
int run_init(const Options& o);
// Fleets (fleet_commands.cpp): whether the command line names several
// databases, and migrate up / verify on each of them.
bool fleet_requested(const Options& o);
int run_fleet_migrate(const Options& o, const std::vector<Migration>& migrations);
int run_fleet_verify(const Options& o, const ExpectedSchema& expected,
                     const VerifyOptions& options);  // init [DIR]: a commented starter schema  // backfill run | status
                                                     // | verify NAME [DIR]
// Whether stderr is a terminal a person watches (not in CI): live lines then.
bool interactive();
// Migration steps as they start: one live line on a terminal, timestamped
// lines on stderr elsewhere (CI logs).
std::function<void(const std::string&)> step_progress_printer();
// Clears the live line (a step, a backfill's bar) before other output, on a terminal.
void clear_live_line();
// Migrate's result lines on stdout, clearing the live line first.
std::function<void(const std::string&)> log_printer();
// Backfill progress on stderr: a bar on a terminal, a line every 2 s elsewhere.
std::function<void(const BackfillProgress&)> backfill_progress_printer();

// Why the schema's YAML is not what its newest migration leaves ("" when it
// is): changes not in a migration yet, or a history that needs attention.
std::string unmigrated_changes(const Options& o, const Schema& schema);  // pull: a live database written as YAML

}  // namespace hyperschema::cli
