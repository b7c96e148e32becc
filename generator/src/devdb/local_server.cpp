#include "devdb/local_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

extern char** environ;

namespace hyperschema::devdb {
namespace {

namespace fs = std::filesystem;

// PostgreSQL 15 to 17 (TimescaleDB 2.28 supports them all); see bin_dir().
constexpr int kMajors[] = {17, 16, 15};
constexpr const char* kLoopback = "127.0.0.1";
constexpr const char* kSuperuser = "postgres";
// Debian's account for running the server; initdb and postgres refuse root.
constexpr const char* kServerAccount = "postgres";
constexpr int kStartAttempts = 5;
constexpr std::size_t kLogTailLines = 40;

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// ---------------------------------------------------------------------------
// Child processes

// posix_spawn rather than fork: nothing of ours runs in the child, so there is
// no async-signal-safety to get wrong, and glibc resets our signal handlers
// in the child before exec.
class SpawnActions {
public:
    SpawnActions() { posix_spawn_file_actions_init(&actions_); }
    ~SpawnActions() { posix_spawn_file_actions_destroy(&actions_); }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;

    void redirect_output_to(int fd) {
        posix_spawn_file_actions_addopen(&actions_, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions_, fd, STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions_, fd, STDERR_FILENO);
    }
    void change_directory_to(const char* dir) { posix_spawn_file_actions_addchdir_np(&actions_, dir); }
    const posix_spawn_file_actions_t* get() const { return &actions_; }

private:
    posix_spawn_file_actions_t actions_;
};

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
    std::vector<char*> pointers;
    for (const auto& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
    pointers.push_back(nullptr);
    return pointers;
}

std::string read_until_eof(int fd) {
    std::string text;
    char buffer[4096];
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n > 0)
            text.append(buffer, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR)
            return text;
    }
}

int wait_for_exit_status(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw_errno("waitpid");
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

int run_process(const std::vector<std::string>& argv, std::string* output, const char* working_dir) {
    if (argv.empty()) throw std::invalid_argument("run_command: empty argv");
    int pipe_fds[2];
    // O_CLOEXEC keeps the write end out of grandchildren such as the
    // postmaster, which would otherwise hold our read open forever.
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw_errno("pipe2");
    SpawnActions actions;
    actions.redirect_output_to(pipe_fds[1]);
    if (working_dir != nullptr) actions.change_directory_to(working_dir);
    pid_t pid = 0;
    auto args = c_argv(argv);
    int spawn_error = posix_spawnp(&pid, args[0], actions.get(), nullptr, args.data(), environ);
    close(pipe_fds[1]);
    std::string captured = read_until_eof(pipe_fds[0]);
    close(pipe_fds[0]);
    int status = 127;
    if (spawn_error != 0)
        captured += "cannot execute " + argv[0] + ": " + std::strerror(spawn_error) + "\n";
    else
        status = wait_for_exit_status(pid);
    if (output != nullptr) *output = std::move(captured);
    return status;
}

namespace {

// ---------------------------------------------------------------------------
// Emergency stop, usable from a signal handler

// What the signal handler needs, prepared while starting: a handler may only
// make async-signal-safe calls, so no allocation and no std::filesystem.
struct EmergencyCleanup {
    std::atomic<bool> server_may_run{false};
    std::atomic<bool> directory_exists{false};
    bool keep_directory = false;
    pid_t owner_pid = 0;
    char directory[PATH_MAX] = {};
    char pid_file[PATH_MAX] = {};
};

constinit EmergencyCleanup emergency;

void write_stderr(const char* text) {
    ssize_t ignored = write(STDERR_FILENO, text, std::strlen(text));
    (void)ignored;
}

void sleep_briefly() {
    timespec pause{0, 20 * 1000 * 1000};
    nanosleep(&pause, nullptr);
}

pid_t read_postmaster_pid() {
    int fd = open(emergency.pid_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char text[16] = {};
    ssize_t n = read(fd, text, sizeof text);
    close(fd);
    pid_t pid = 0;
    // At most 9 digits, so that a garbled file cannot overflow pid_t.
    for (ssize_t i = 0; i < n && i < 9 && text[i] >= '0' && text[i] <= '9'; ++i) pid = pid * 10 + (text[i] - '0');
    return pid;
}

// The postmaster removes its pid file on the way out; checking the file too
// matters when nobody reaps the orphaned postmaster and it lingers as a zombie.
bool postmaster_gone(pid_t pid) {
    return access(emergency.pid_file, F_OK) != 0 || (kill(pid, 0) != 0 && errno == ESRCH);
}

bool signal_postmaster_and_wait(pid_t pid, int signal_number, int wait_ms) {
    if (kill(pid, signal_number) != 0) return errno == ESRCH;
    for (int waited = 0; waited < wait_ms; waited += 20) {
        if (postmaster_gone(pid)) return true;
        sleep_briefly();
    }
    return postmaster_gone(pid);
}

// SIGINT is PostgreSQL's "fast" shutdown; SIGQUIT its "immediate" one.
void stop_postmaster_by_signal() {
    pid_t pid = read_postmaster_pid();
    if (pid <= 0) return;
    if (signal_postmaster_and_wait(pid, SIGINT, 30000)) return;
    signal_postmaster_and_wait(pid, SIGQUIT, 5000);
}

void remove_directory_with_rm() {
    static char rm[] = "rm";
    static char force[] = "-rf";
    static char end_of_options[] = "--";
    char* argv[] = {rm, force, end_of_options, emergency.directory, nullptr};
    pid_t pid = _Fork();  // unlike fork(), async-signal-safe (glibc 2.34+)
    if (pid == 0) {
        execv("/bin/rm", argv);
        _exit(127);
    }
    while (pid > 0 && waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

void report_kept_directory() {
    write_stderr("hyperschema: kept PostgreSQL cluster directory ");
    write_stderr(emergency.directory);
    write_stderr("\n");
}

void emergency_cleanup() {
    // A forked child (of a test) must not stop its parent's server.
    if (getpid() != emergency.owner_pid) return;
    if (emergency.server_may_run.exchange(false)) stop_postmaster_by_signal();
    if (!emergency.directory_exists.exchange(false)) return;
    if (emergency.keep_directory)
        report_kept_directory();
    else
        remove_directory_with_rm();
}

// Termination requests (SIGPIPE too: `... | head` closes the pipe early),
// plus crashes: a test that segfaults should not leave
// a server behind either.
constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
struct sigaction previous_actions[std::size(kCleanupSignals)];

void restore_previous_action(int signal_number) {
    for (std::size_t i = 0; i < std::size(kCleanupSignals); ++i) {
        if (kCleanupSignals[i] == signal_number) sigaction(signal_number, &previous_actions[i], nullptr);
    }
}

void on_fatal_signal(int signal_number) {
    int saved_errno = errno;
    emergency_cleanup();
    restore_previous_action(signal_number);
    // Still blocked while we run, so it is delivered, to the previous
    // handler or the default action, as soon as we return.
    raise(signal_number);
    errno = saved_errno;
}

void install_handlers_once() {
    struct sigaction action = {};
    action.sa_handler = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    for (int signal_number : kCleanupSignals) sigaddset(&action.sa_mask, signal_number);
    for (std::size_t i = 0; i < std::size(kCleanupSignals); ++i) {
        sigaction(kCleanupSignals[i], nullptr, &previous_actions[i]);
        // An ignored signal (nohup) stays ignored.
        if (previous_actions[i].sa_handler == SIG_IGN) continue;
        sigaction(kCleanupSignals[i], &action, nullptr);
    }
}

void copy_path(char (&target)[PATH_MAX], const std::string& path) {
    if (path.size() >= PATH_MAX) throw std::runtime_error("path too long: " + path);
    std::memcpy(target, path.c_str(), path.size() + 1);
}

void arm_emergency_cleanup(const std::string& data_dir, bool keep_directory) {
    copy_path(emergency.directory, data_dir);
    copy_path(emergency.pid_file, data_dir + "/postmaster.pid");
    emergency.keep_directory = keep_directory;
    emergency.owner_pid = getpid();
    emergency.directory_exists = true;
}

bool running_as_root() {
    return geteuid() == 0;
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    return text;
}

bool has_timescaledb_files(const std::string& bin) {
    // The extension lives in the server's share and lib directories, beside bin/.
    const fs::path root = fs::path(bin).parent_path();
    const int major = std::atoi(root.filename().c_str());
    return fs::exists("/usr/share/postgresql/" + std::to_string(major) + "/extension/timescaledb.control") &&
           fs::exists(root / "lib" / "timescaledb.so");
}

// The server the tests run: $HYPERSCHEMA_PG_BINDIR, else the newest of
// Debian's /usr/lib/postgresql/{17,16,15}/bin that has TimescaleDB, else the
// newest installed. scripts/pg-bindir.sh applies the same rule.
std::string choose_bin_dir() {
    if (const char* dir = std::getenv("HYPERSCHEMA_PG_BINDIR"); dir && *dir) return dir;
    std::string newest;
    for (int major : kMajors) {
        const std::string bin = "/usr/lib/postgresql/" + std::to_string(major) + "/bin";
        if (!fs::exists(bin + "/initdb")) continue;
        if (has_timescaledb_files(bin)) return bin;
        if (newest.empty()) newest = bin;
    }
    if (newest.empty())
        throw std::runtime_error("no PostgreSQL 15, 16 or 17 server in /usr/lib/postgresql (run scripts/setup.sh)");
    return newest;
}

// Never destroyed: the shared cluster is stopped from a static destructor,
// which may run after a function-local static string would be gone.
const std::string& bin_dir_chosen() {
    static const std::string* dir = new std::string(choose_bin_dir());
    return *dir;
}

std::string pg_config(const char* option) {
    std::string output;
    int status = run_process({bin_dir_chosen() + "/pg_config", option}, &output, nullptr);
    if (status != 0) throw std::runtime_error("pg_config " + std::string(option) + " failed: " + output);
    return trimmed(output);
}

bool timescaledb_installed() {
    return fs::exists(pg_config("--sharedir") + "/extension/timescaledb.control") &&
           fs::exists(pg_config("--pkglibdir") + "/timescaledb.so");
}

void give_to_server_account(const std::string& path) {
    passwd* account = getpwnam(kServerAccount);
    if (account == nullptr) {
        throw std::runtime_error("running as root, but there is no '" + std::string(kServerAccount) +
                                 "' account to run PostgreSQL as");
    }
    if (chown(path.c_str(), account->pw_uid, account->pw_gid) != 0) throw_errno("chown " + path);
}

// The server's Unix socket lives in the directory too, and socket paths are
// limited to 107 bytes: a long TMPDIR would stop the server from starting.
std::string temporary_directory_base() {
    const char* tmp = std::getenv("TMPDIR");
    std::size_t longest_socket_path = std::strlen("/hyperschema-pg-XXXXXX/.s.PGSQL.65535");
    if (tmp == nullptr || *tmp == '\0' || std::strlen(tmp) + longest_socket_path > 107) return "/tmp";
    return tmp;
}

std::string make_private_directory() {
    std::string pattern = temporary_directory_base() + "/hyperschema-pg-XXXXXX";
    std::vector<char> path(pattern.begin(), pattern.end());
    path.push_back('\0');
    if (mkdtemp(path.data()) == nullptr) throw_errno("mkdtemp " + pattern);
    return path.data();
}

void remove_directory_contents(const std::string& dir) {
    for (const auto& entry : fs::directory_iterator(dir)) fs::remove_all(entry.path());
}

std::string tail_of_file(const std::string& path, std::size_t max_lines) {
    std::ifstream file(path);
    if (!file) return "(" + path + " not found)\n";
    std::deque<std::string> lines;
    for (std::string line; std::getline(file, line);) {
        lines.push_back(line);
        if (lines.size() > max_lines) lines.pop_front();
    }
    std::string tail;
    for (const auto& line : lines) tail += line + "\n";
    return tail;
}

// A postgresql.conf string literal.
std::string conf_string(const std::string& value) {
    std::string quoted = "'";
    for (char c : value) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    return quoted + "'";
}

void append_to_file(const std::string& path, const std::string& text) {
    std::ofstream file(path, std::ios::app);
    file << text;
    file.close();
    if (!file) throw std::runtime_error("cannot append to " + path);
}

int pick_free_port() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw_errno("socket");
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
              getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    int saved_errno = errno;
    close(fd);
    if (!ok) {
        errno = saved_errno;
        throw_errno("picking a free port");
    }
    return ntohs(address.sin_port);
}

bool port_was_taken(const std::string& failure) {
    return failure.find("Address already in use") != std::string::npos;
}

}  // namespace

// A libpq keyword/value: quoted only when it has to be.
std::string conninfo_value(const std::string& value) {
    bool plain = !value.empty() && value.find_first_of(" \t\n'\\") == std::string::npos;
    if (plain) return value;
    std::string quoted = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "'";
}

void install_cleanup_handlers() {
    static const bool installed = (install_handlers_once(), true);
    (void)installed;
}

LocalServer::LocalServer(LocalServerOptions options) : options_(std::move(options)) {}

LocalServer::~LocalServer() {
    stop();
}

void LocalServer::start() {
    install_cleanup_handlers();
    const char* keep = options_.keep_directory_env.empty() ? nullptr : std::getenv(options_.keep_directory_env.c_str());
    const bool keep_directory = keep != nullptr && *keep != '\0' && std::strcmp(keep, "0") != 0;
    timescaledb_ = options_.timescaledb && timescaledb_installed();
    data_dir_ = make_private_directory();
    arm_emergency_cleanup(data_dir_, keep_directory);
    if (running_as_root()) give_to_server_account(data_dir_);
    init_data_directory();
    write_settings();
    start_server();
    if (emergency.keep_directory) std::fprintf(stderr, "hyperschema: PostgreSQL cluster in %s\n", data_dir_.c_str());
}

std::vector<std::string> LocalServer::as_server_user(std::vector<std::string> argv) const {
    if (!running_as_root()) return argv;
    std::vector<std::string> wrapped = {"runuser", "-u", kServerAccount, "--"};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return wrapped;
}

std::string LocalServer::client_program(const char* name) const {
    return bin_dir() + "/" + name;
}

void LocalServer::init_data_directory() {
    auto initdb = [this](const char* locale, std::string* output) {
        std::vector<std::string> argv = {
            client_program("initdb"), "-D",        data_dir_, "-U",   kSuperuser,
            "--auth=trust",           "--no-sync", "-E",      "UTF8", std::string("--locale=") + locale};
        // "/" because the server account may not be allowed into our cwd.
        return run_process(as_server_user(argv), output, "/");
    };
    std::string utf8_output;
    if (initdb("C.UTF-8", &utf8_output) == 0) return;
    remove_directory_contents(data_dir_);
    std::string c_output;
    if (initdb("C", &c_output) == 0) return;
    throw std::runtime_error("initdb failed with --locale=C.UTF-8:\n" + utf8_output + "and with --locale=C:\n" +
                             c_output);
}

void LocalServer::write_settings() {
    std::string settings =
        "\n# hyperschema's throwaway cluster: durability is traded for speed\n"
        "listen_addresses = " +
        conf_string(options_.listen_on_loopback ? kLoopback : "") +
        "\n"
        "unix_socket_directories = " +
        conf_string(data_dir_) +
        "\n"
        "fsync = off\n"
        "synchronous_commit = off\n"
        "full_page_writes = off\n"
        "max_connections = " +
        std::to_string(options_.max_connections) +
        "\n"
        "timezone = 'UTC'\n"
        "log_min_messages = warning\n";
    if (timescaledb_) {
        settings +=
            "shared_preload_libraries = 'timescaledb'\n"
            "timescaledb.telemetry_level = off\n"
            // No policy job runs behind our back: whether it succeeded, failed, or
            // could not start for want of workers (many databases each want a
            // scheduler) would make verify's job-health report depend on timing.
            "timescaledb.max_background_workers = 0\n"
            "max_worker_processes = 16\n";
    }
    append_to_file(data_dir_ + "/postgresql.conf", settings);
}

void LocalServer::start_server() {
    std::string failure;
    if (!options_.listen_on_loopback) {
        // The socket is in our private directory: its port cannot be taken.
        if (try_start_server_on(port_, &failure)) return;
        throw std::runtime_error("could not start PostgreSQL in " + data_dir_ + ":\n" + failure);
    }
    for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
        int port = pick_free_port();
        if (try_start_server_on(port, &failure)) {
            port_ = port;
            return;
        }
        // Another process may grab the port between our probe and the bind.
        if (!port_was_taken(failure)) break;
    }
    throw std::runtime_error("could not start PostgreSQL in " + data_dir_ + ":\n" + failure);
}

bool LocalServer::try_start_server_on(int port, std::string* failure) {
    // The last setting in the file wins, so a retry simply appends another.
    append_to_file(data_dir_ + "/postgresql.conf", "port = " + std::to_string(port) + "\n");
    std::string log = data_dir_ + "/server.log";
    fs::remove(log);  // so that the tail we report is about this attempt
    emergency.server_may_run = true;
    std::string output;
    int status =
        run_process(as_server_user({client_program("pg_ctl"), "-D", data_dir_, "-l", log, "-w", "-t", "60", "start"}),
                    &output, "/");
    if (status == 0) return true;
    // After a timeout the postmaster may still be on its way up.
    stop_postmaster_by_signal();
    emergency.server_may_run = false;
    *failure = "pg_ctl start exited with status " + std::to_string(status) + ":\n" + output +
               "--- tail of server.log ---\n" + tail_of_file(log, kLogTailLines);
    return false;
}

void LocalServer::stop() noexcept {
    if (getpid() != emergency.owner_pid) return;
    if (emergency.server_may_run) {
        try {
            std::string output;
            int status = run_process(
                as_server_user({client_program("pg_ctl"), "-D", data_dir_, "-m", "fast", "-w", "stop"}), &output, "/");
            if (status != 0) std::fprintf(stderr, "hyperschema: pg_ctl stop failed:\n%s", output.c_str());
        } catch (const std::exception& error) {
            std::fprintf(stderr, "hyperschema: pg_ctl stop failed: %s\n", error.what());
        }
        stop_postmaster_by_signal();  // a no-op unless pg_ctl left it running
        emergency.server_may_run = false;
    }
    if (!emergency.directory_exists) return;
    if (emergency.keep_directory) {
        report_kept_directory();
    } else {
        std::error_code ignored;
        fs::remove_all(data_dir_, ignored);
    }
    emergency.directory_exists = false;
}

std::string LocalServer::host() const {
    return options_.listen_on_loopback ? kLoopback : data_dir_;
}

int LocalServer::port() const {
    return port_;
}

std::string LocalServer::dsn(const std::string& dbname) const {
    return "host=" + conninfo_value(host()) + " port=" + std::to_string(port_) + " dbname=" + conninfo_value(dbname) +
           " user=" + kSuperuser;
}

std::string LocalServer::bin_dir() {
    return bin_dir_chosen();
}

}  // namespace hyperschema::devdb
