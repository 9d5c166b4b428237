// Serialises boost::json values into an existing string without an intermediate copy.
#include "json_text.hpp"

#include <algorithm>

namespace brokle::mock {

void append_json_text(std::string& out, const boost::json::value& value) {
  // A small stack buffer for the serializer's own state keeps it off the heap.
  unsigned char state[256];
  boost::json::serializer serializer(boost::json::storage_ptr(), state, sizeof state);
  serializer.reset(&value);
  while (!serializer.done()) {
    const std::size_t old_size = out.size();
    const std::size_t room = std::max<std::size_t>(512, out.capacity() - old_size);
    out.resize(old_size + room);
    const auto written = serializer.read(out.data() + old_size, room);
    out.resize(old_size + written.size());
  }
}

}  // namespace brokle::mock
