#pragma once

// Turning results into generated rows. Generated code supplies one function
// per row type, `read(source, i)`, that reads row i of a source through
// `source.get<T>(i, column)`; these run it over a whole result or a stream, so
// every table's code shares one loop.

#include <cstdint>
#include <utility>
#include <vector>

#include "hyperschema/query.hpp"
#include "hyperschema/stream.hpp"

namespace hyperschema {

// A row_stream's current row, readable like row i of a result.
struct stream_row {
    const row_stream& stream;

    template <class T>
    T get(int, int column) const {
        return stream.get<T>(column);
    }
};

// Every row of `res`.
template <class Row>
std::vector<Row> rows_of(const result& res, Row (*read)(const result&, int)) {
    std::vector<Row> out;
    out.reserve(static_cast<std::size_t>(res.size()));
    for (int i = 0; i < res.size(); ++i) out.push_back(read(res, i));
    return out;
}

// Calls fn(const Row&) for each row left in the stream, reading the next
// batch ahead (row_stream::read_ahead); returns how many.
template <class Row, class Fn>
std::uint64_t for_each_row(row_stream& stream, Row (*read)(const stream_row&, int), Fn&& fn) {
    stream.read_ahead();
    const stream_row current{stream};
    std::uint64_t n = 0;
    while (stream.next()) {
        fn(read(current, 0));
        ++n;
    }
    return n;
}

// Every row left in the stream, read a batch ahead: what the generated
// range() returns. For large results it beats one PGresult holding them all
// (1.3-1.7x psql's COPY TO STDOUT, bench/copy_bench.cpp): the server sends
// the next batch while this one is decoded.
template <class Row>
std::vector<Row> collect_rows(row_stream& stream, Row (*read)(const stream_row&, int)) {
    stream.read_ahead();
    const stream_row current{stream};
    std::vector<Row> out;
    while (stream.next()) out.push_back(read(current, 0));
    return out;
}

}  // namespace hyperschema
