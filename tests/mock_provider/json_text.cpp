// Serialises boost::json values into an existing string without an intermediate copy.
#include "json_text.hpp"

#include <algorithm>

namespace brokle::mock {

void append_json_text(std::string& out, const boost::json::value& value) {
  // Boost 1.81's serializer keeps its small state inline; only very deep values make it allocate.
  boost::json::serializer serializer;
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
