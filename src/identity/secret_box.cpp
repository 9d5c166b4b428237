#include "identity/secret_box.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <vector>

#include "core/sodium_init.hpp"

namespace brokle::identity {

namespace {

constexpr unsigned char kVersion = 0x01;
constexpr size_t kHeaderBytes = 1 + crypto_secretbox_NONCEBYTES;
constexpr int kBase64Variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
constexpr const char* kKeyFileName = "master.key";
constexpr size_t kHexKeyChars = master_key::size * 2;

using key_bytes = std::array<unsigned char, master_key::size>;

// Wipes a buffer on scope exit, so every early return in the key-loading paths stays clean.
template <class Buffer>
struct wipe_on_exit {
  Buffer& buffer;
  ~wipe_on_exit() { sodium_memzero(buffer.data(), buffer.size()); }
};
template <class Buffer>
wipe_on_exit(Buffer&) -> wipe_on_exit<Buffer>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool decode_hex_key(std::string_view text, key_bytes& out) {
  if (text.size() != kHexKeyChars) return false;
  size_t len = 0;
  const char* end = nullptr;
  return sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end) == 0 &&
         len == out.size() && end == text.data() + text.size();
}

bool decode_base64_key(std::string_view text, key_bytes& out) {
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end, variant) == 0 &&
        len == out.size() && end == text.data() + text.size())
      return true;
  }
  return false;
}

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

// Reads an existing key file through one descriptor, so the permission check and the read see
// the same file.
result<master_key> read_key_file(int fd, const std::filesystem::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return make_error(errc::internal, "cannot stat master key file " + path.string() + ": " + errno_text(errno));
  if (!S_ISREG(st.st_mode))
    return make_error(errc::invalid_argument, "master key file " + path.string() + " is not a regular file");
  if ((st.st_mode & 0177) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return make_error(errc::permission_denied, "master key file " + path.string() + " has permissions " + mode +
                                                   "; it must be readable and writable by its owner only (chmod 600 " +
                                                   path.string() + ")");
  }
  // One byte more than the longest accepted content (hex plus CRLF) is enough to spot junk.
  std::array<char, kHexKeyChars + 3> buf{};
  wipe_on_exit wipe_buf{buf};
  size_t used = 0;
  while (used < buf.size()) {
    ssize_t n = ::read(fd, buf.data() + used, buf.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return make_error(errc::internal, "cannot read master key file " + path.string() + ": " + errno_text(errno));
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  key_bytes key{};
  wipe_on_exit wipe_key{key};
  if (used == master_key::size) {
    std::memcpy(key.data(), buf.data(), key.size());
    return master_key(key);
  }
  if (used < buf.size() && decode_hex_key(trim(std::string_view(buf.data(), used)), key)) return master_key(key);
  return make_error(errc::invalid_argument,
                    "master key file " + path.string() + " must contain 64 hex characters or exactly 32 raw bytes");
}

result<master_key> read_key_path(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return make_error(errc::internal, "cannot open master key file " + path.string() + ": " + errno_text(errno));
  auto key = read_key_file(fd, path);
  ::close(fd);
  return key;
}

status write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(errc::internal, errno_text(errno));
    data += n;
    size -= static_cast<size_t>(n);
  }
  return ok_v;
}

void fsync_directory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the file itself is already durable
  (void)::fsync(fd);
  ::close(fd);
}

// Publishes `tmp` as `final_path` only if nothing is there yet. link(2) is atomic and refuses to
// overwrite; renameat2(RENAME_NOREPLACE) covers filesystems without hard links.
int publish_no_clobber(const std::filesystem::path& tmp, const std::filesystem::path& final_path) {
  if (::link(tmp.c_str(), final_path.c_str()) == 0) {
    ::unlink(tmp.c_str());
    return 0;
  }
  int err = errno;
  if (err == EPERM || err == EOPNOTSUPP || err == ENOSYS) {
    if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, final_path.c_str(), RENAME_NOREPLACE) == 0) return 0;
    err = errno;
  }
  ::unlink(tmp.c_str());
  return err;
}

result<master_key> create_key_file(const std::filesystem::path& dir, const std::filesystem::path& path,
                                   bool* created_file) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(errc::internal, "cannot create data directory " + dir.string() + ": " + ec.message());

  key_bytes key{};
  wipe_on_exit wipe_key{key};
  randombytes_buf(key.data(), key.size());
  std::array<char, kHexKeyChars + 2> hex{};  // 64 hex digits, '\n', NUL
  wipe_on_exit wipe_hex{hex};
  sodium_bin2hex(hex.data(), kHexKeyChars + 1, key.data(), key.size());
  hex[kHexKeyChars] = '\n';

  std::array<unsigned char, 8> tag;
  randombytes_buf(tag.data(), tag.size());
  std::array<char, 17> tag_hex{};
  sodium_bin2hex(tag_hex.data(), tag_hex.size(), tag.data(), tag.size());
  std::filesystem::path tmp = dir / (std::string(kKeyFileName) + ".tmp-" + tag_hex.data());

  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return make_error(errc::internal, "cannot create " + tmp.string() + ": " + errno_text(errno));
  status written = ::fchmod(fd, 0600) == 0 ? write_all(fd, hex.data(), kHexKeyChars + 1)
                                           : status(make_error(errc::internal, errno_text(errno)));
  if (written && ::fsync(fd) != 0) written = make_error(errc::internal, errno_text(errno));
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    return make_error(errc::internal, "cannot write " + tmp.string() + ": " + written.err().message);
  }
  if (int err = publish_no_clobber(tmp, path); err != 0) {
    if (err == EEXIST) return read_key_path(path);  // another process created it first: use theirs
    return make_error(errc::internal, "cannot create master key file " + path.string() + ": " + errno_text(err));
  }
  fsync_directory(dir);
  if (created_file) *created_file = true;
  return master_key(key);
}

}  // namespace

master_key::master_key(const std::array<unsigned char, size>& bytes) : bytes_(bytes) {}

master_key::master_key(master_key&& other) noexcept : bytes_(other.bytes_) {
  sodium_memzero(other.bytes_.data(), other.bytes_.size());
}

master_key& master_key::operator=(master_key&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    sodium_memzero(other.bytes_.data(), other.bytes_.size());
  }
  return *this;
}

master_key::~master_key() { sodium_memzero(bytes_.data(), bytes_.size()); }

result<master_key> load_master_key(std::optional<std::string> env_value, const std::filesystem::path& data_dir,
                                   bool* created_file) {
  ensure_sodium();
  if (created_file) *created_file = false;
  if (env_value) {
    wipe_on_exit wipe_env{*env_value};
    std::string_view text = trim(*env_value);
    if (!text.empty()) {
      key_bytes key{};
      wipe_on_exit wipe_key{key};
      if (decode_hex_key(text, key) || decode_base64_key(text, key)) return master_key(key);
      return make_error(errc::invalid_argument,
                        "the master key from the environment must be 64 hex characters or base64 of exactly 32 bytes");
    }
  }

  std::filesystem::path path = data_dir / kKeyFileName;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd >= 0) {
    auto key = read_key_file(fd, path);
    ::close(fd);
    return key;
  }
  if (errno != ENOENT)
    return make_error(errc::internal, "cannot open master key file " + path.string() + ": " + errno_text(errno));
  return create_key_file(data_dir, path, created_file);
}

secret_box::secret_box(const master_key& key) {
  ensure_sodium();
  std::memcpy(key_.data(), key.data(), key_.size());
}

secret_box::~secret_box() { sodium_memzero(key_.data(), key_.size()); }

std::string secret_box::seal(std::string_view plaintext) const {
  std::vector<unsigned char> box(kHeaderBytes + crypto_secretbox_MACBYTES + plaintext.size());
  box[0] = kVersion;
  unsigned char* nonce = box.data() + 1;
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(box.data() + kHeaderBytes, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), nonce, key_.data());
  std::string out(sodium_base64_encoded_len(box.size(), kBase64Variant), '\0');
  sodium_bin2base64(out.data(), out.size(), box.data(), box.size(), kBase64Variant);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

result<std::string> secret_box::open(std::string_view sealed) const {
  std::vector<unsigned char> box(sealed.size() / 4 * 3 + 3);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(box.data(), box.size(), sealed.data(), sealed.size(), nullptr, &len, &end, kBase64Variant) !=
          0 ||
      end != sealed.data() + sealed.size())
    return make_error(errc::invalid_argument, "sealed value is not valid base64url");
  if (len < kHeaderBytes + crypto_secretbox_MACBYTES)
    return make_error(errc::invalid_argument, "sealed value is too short");
  if (box[0] != kVersion) return make_error(errc::invalid_argument, "sealed value has an unknown format version");
  std::string plaintext(len - kHeaderBytes - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plaintext.data()), box.data() + kHeaderBytes,
                                 len - kHeaderBytes, box.data() + 1, key_.data()) != 0)
    return make_error(errc::internal,
                      "sealed value failed authentication (tampered, or sealed under another master key)");
  return plaintext;
}

}  // namespace brokle::identity
