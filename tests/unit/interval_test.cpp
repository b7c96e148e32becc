#include "support/catch.hpp"

#include <limits>

#include "model/interval.hpp"

using hyperschema::Interval;

static Interval parse_ok(const std::string& text) {
    std::string error;
    auto iv = Interval::parse(text, &error);
    INFO(text << ": " << error);
    REQUIRE(iv.has_value());
    return *iv;
}

static std::string parse_error(const std::string& text) {
    std::string error;
    REQUIRE_FALSE(Interval::parse(text, &error).has_value());
    return error;
}

TEST_CASE("intervals keep months, days and time apart, as PostgreSQL does", "[interval]") {
    CHECK(parse_ok("7 days") == Interval{0, 7, 0});
    CHECK(parse_ok("1 week") == Interval{0, 7, 0});
    CHECK(parse_ok("1 year") == Interval{12, 0, 0});
    CHECK(parse_ok("3 months") == Interval{3, 0, 0});
    CHECK(parse_ok("1 hour 30 minutes") == Interval{0, 0, 90 * 60 * Interval::kMicrosPerSecond});
    CHECK(parse_ok("90d") == Interval{0, 90, 0});
    CHECK(parse_ok("15min") == Interval{0, 0, 15 * 60 * Interval::kMicrosPerSecond});
    CHECK(parse_ok("  2 Hours ") == Interval{0, 0, 2 * 3600 * Interval::kMicrosPerSecond});
    CHECK(parse_ok("1 day, 12 hours") == Interval{0, 1, 12 * 3600 * Interval::kMicrosPerSecond});
}

TEST_CASE("interval text is canonical and reads back to the same value", "[interval]") {
    CHECK(parse_ok("1 year").text() == "1 year");
    CHECK(parse_ok("14 months").text() == "1 year 2 months");
    CHECK(parse_ok("2 weeks").text() == "14 days");
    CHECK(parse_ok("90 minutes").text() == "1 hour 30 minutes");
    CHECK(parse_ok("1500 ms").text() == "1 second 500 milliseconds");
    CHECK(parse_ok("7 days").sql() == "INTERVAL '7 days'");
    for (const char* text : {"5 years", "1 hour 30 minutes", "3 days 4 hours", "1 microsecond"}) {
        Interval iv = parse_ok(text);
        CHECK(parse_ok(iv.text()) == iv);
    }
}

TEST_CASE("TimescaleDB's window arithmetic counts a month as 30 days", "[interval]") {
    CHECK(parse_ok("1 month").approx_micros() == parse_ok("30 days").approx_micros());
    CHECK(parse_ok("1 month").has_months());
    CHECK_FALSE(parse_ok("30 days").has_months());
    // Saturates instead of overflowing (a fuzzer find: 399999 years).
    CHECK((Interval{std::numeric_limits<int32_t>::max(), 0, 0}.approx_micros()) ==
          std::numeric_limits<int64_t>::max() / 4);
    std::string error;
    CHECK_FALSE(Interval::parse("399999 years", &error));
    CHECK(error == "interval is too large");
}

TEST_CASE("malformed intervals say what is wrong", "[interval]") {
    CHECK(parse_error("7") == "missing a unit after `7` (e.g. `7 days`)");
    CHECK(parse_error("7 dayz") == "unknown interval unit `dayz`");
    CHECK(parse_error("days") == "expected a number at `days`");
    CHECK(parse_error("") == "empty interval");
    CHECK(parse_error("-1 day") == "expected a number at `-1 day`");
    CHECK(parse_error("99999999999 years") == "interval is too large");
}

TEST_CASE("fractional intervals are refused with whole smaller units to write instead", "[interval]") {
    CHECK(
        parse_error("1.5 days") ==
        "fractions such as `1.5 days` are not supported; write whole numbers of smaller units, here `1 day 12 hours`");
    CHECK(parse_error("0.5 hours") ==
          "fractions such as `0.5 hours` are not supported; write whole numbers of smaller units, here `30 minutes`");
    CHECK(parse_error("1 hour 2.5 minutes").find("here `2 minutes 30 seconds`") != std::string::npos);
    CHECK(parse_error("1.5 years").find("here `1 year 6 months`") != std::string::npos);
    CHECK(parse_error("1.5 weeks").find("here `10 days 12 hours`") != std::string::npos);
    CHECK(parse_error("0.5 months").find("here `15 days`") != std::string::npos);
    CHECK(parse_error("1.25s").find("here `1 second 250 milliseconds`") != std::string::npos);
    CHECK(parse_ok("0 days") == Interval{});  // zero parses; callers decide whether they take it
}
