// Tensor validation and data extraction, shared by models and standalone tensor files.
#include "bridge_internal.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

// raw_data and external data are little-endian; copying them out verbatim is only right
// on a little-endian host (every platform mcc targets).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "CONNX assumes a little-endian host");

using onnx::TensorProto;

namespace mcc_onnx {

void set_error(char **error, const std::string &message) {
    if (!error) return;
    char *copy = static_cast<char *>(malloc(message.size() + 1));
    if (!copy) return;
    memcpy(copy, message.c_str(), message.size() + 1);
    *error = copy;
}

static std::string errno_text(int code) { return std::string(strerror(code)); }

std::string read_file(const std::string &path, int64_t limit) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error("cannot open the file: " + errno_text(errno));
    struct Closer { int fd; ~Closer() { close(fd); } } closer{fd};
    struct stat st;
    if (fstat(fd, &st) != 0) throw Error("cannot stat the file: " + errno_text(errno));
    if (S_ISDIR(st.st_mode)) throw Error("the path is a directory, not a file");
    if (!S_ISREG(st.st_mode)) throw Error("the path is not a regular file");
    if (st.st_size > limit)
        throw Error("the file has " + std::to_string(st.st_size) + " bytes, more than the limit of " +
                    std::to_string(limit));
    std::string bytes(static_cast<size_t>(st.st_size), '\0');
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = read(fd, &bytes[done], bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error("cannot read the file: " + errno_text(errno));
        if (n == 0) throw Error("the file shrank while being read");
        done += static_cast<size_t>(n);
    }
    return bytes;
}

std::string directory_of(const std::string &path) {
    size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

int64_t checked_element_count(const google::protobuf::RepeatedField<int64_t> &dims, const std::string &what) {
    int64_t count = 1;
    bool empty = false;
    std::string shape;
    for (int64_t d : dims) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    for (int64_t d : dims) {
        if (d < 0) throw Error(what + " has a negative dim in its shape [" + shape + "]");
        if (d > MCC_ONNX_MAX_ELEMENTS)
            throw Error(what + " has dim " + std::to_string(d) + " in its shape [" + shape +
                        "], more than the limit of 2^36 elements");
        if (d == 0) empty = true;
        else if (count > MCC_ONNX_MAX_ELEMENTS / d)
            throw Error(what + " has shape [" + shape + "], more than the limit of 2^36 elements");
        else count *= d;
    }
    if (!empty && count > MCC_ONNX_MAX_ELEMENTS)
        throw Error(what + " has shape [" + shape + "], more than the limit of 2^36 elements");
    return empty ? 0 : count;
}

int64_t element_size(int elem_type) {
    switch (elem_type) {
    case TensorProto::UINT8: case TensorProto::INT8: case TensorProto::BOOL: return 1;
    case TensorProto::UINT16: case TensorProto::INT16: case TensorProto::FLOAT16: case TensorProto::BFLOAT16: return 2;
    case TensorProto::FLOAT: case TensorProto::INT32: case TensorProto::UINT32: return 4;
    case TensorProto::INT64: case TensorProto::DOUBLE: case TensorProto::UINT64: case TensorProto::COMPLEX64: return 8;
    case TensorProto::COMPLEX128: return 16;
    default: return 0;  // UNDEFINED, STRING, or a type newer than this libonnx
    }
}

// Number of values in the typed field that holds `t`'s data (complex numbers take two).
static int64_t typed_value_count(const TensorProto &t) {
    switch (t.data_type()) {
    case TensorProto::FLOAT: case TensorProto::COMPLEX64: return t.float_data_size();
    case TensorProto::INT32: case TensorProto::INT16: case TensorProto::INT8: case TensorProto::UINT16:
    case TensorProto::UINT8: case TensorProto::BOOL: case TensorProto::FLOAT16: case TensorProto::BFLOAT16:
        return t.int32_data_size();
    case TensorProto::INT64: return t.int64_data_size();
    case TensorProto::DOUBLE: case TensorProto::COMPLEX128: return t.double_data_size();
    case TensorProto::UINT32: case TensorProto::UINT64: return t.uint64_data_size();
    default: return 0;
    }
}

static int64_t parse_offset(const std::string &text, const std::string &what, const char *key) {
    bool digits = !text.empty() && text.size() <= 18;
    for (char c : text) digits = digits && c >= '0' && c <= '9';
    if (!digits) throw Error(what + ": external data " + key + " '" + text + "' is not a non-negative integer");
    return std::stoll(text);
}

// Where an external-data tensor's bytes are: a real path inside `dir`, and a range.
struct ExternalRange {
    std::string file;
    int64_t offset = 0;
    int64_t file_size = 0;
};

// Resolves the location of external data and confines it to `dir`: no absolute paths, no
// `..` components, and no symlink (in the path or the file) that resolves outside `dir`.
static ExternalRange resolve_external(const TensorProto &t, const std::string &dir, const std::string &what,
                                      int64_t bytes) {
    std::string location;
    bool has_location = false;
    int64_t length = -1;
    ExternalRange range;
    for (const auto &entry : t.external_data()) {
        if (entry.key() == "location") location = entry.value(), has_location = true;
        else if (entry.key() == "offset") range.offset = parse_offset(entry.value(), what, "offset");
        else if (entry.key() == "length") length = parse_offset(entry.value(), what, "length");
    }
    if (!has_location || location.empty()) throw Error(what + ": external data has no location");
    const std::string quoted = "external data location '" + location + "'";
    if (location.find('\0') != std::string::npos) throw Error(what + ": " + quoted + " contains a NUL byte");
    if (location[0] == '/' || location[0] == '\\')
        throw Error(what + ": " + quoted + " is an absolute path; it must be relative to the model's directory");
    size_t start = 0;
    while (start <= location.size()) {
        size_t end = location.find_first_of("/\\", start);
        if (end == std::string::npos) end = location.size();
        if (location.compare(start, end - start, "..") == 0 && end - start == 2)
            throw Error(what + ": " + quoted + " escapes the model's directory ('..' is not allowed)");
        start = end + 1;
    }
    std::unique_ptr<char, decltype(&free)> real_dir(realpath(dir.c_str(), nullptr), &free);
    if (!real_dir) throw Error(what + ": cannot resolve the model's directory '" + dir + "': " + errno_text(errno));
    std::string joined = dir + "/" + location;
    std::unique_ptr<char, decltype(&free)> real_file(realpath(joined.c_str(), nullptr), &free);
    if (!real_file) throw Error(what + ": " + quoted + " cannot be opened: " + errno_text(errno));
    std::string root = real_dir.get();
    if (root.back() != '/') root += '/';
    range.file = real_file.get();
    if (range.file.compare(0, root.size(), root) != 0)
        throw Error(what + ": " + quoted + " resolves to '" + range.file + "', outside the model's directory");
    struct stat st;
    if (stat(range.file.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        throw Error(what + ": " + quoted + " is not a regular file");
    range.file_size = st.st_size;
    if (length >= 0 && length != bytes)
        throw Error(what + ": external data length " + std::to_string(length) + " does not match the " +
                    std::to_string(bytes) + " bytes its shape and type need");
    if (range.offset > range.file_size || bytes > range.file_size - range.offset)
        throw Error(what + ": external data needs bytes " + std::to_string(range.offset) + "..<" +
                    std::to_string(range.offset + bytes) + " but '" + location + "' has only " +
                    std::to_string(range.file_size));
    return range;
}

void validate_tensor(const TensorProto &t, const std::string &dir, const std::string &what) {
    int64_t count = checked_element_count(t.dims(), what);
    if (t.data_type() == TensorProto::STRING) return;  // only its data is unsupported, on request
    int64_t size = element_size(t.data_type());
    if (t.data_type() == TensorProto::UNDEFINED) throw Error(what + " has no element type (data_type is UNDEFINED)");
    if (size == 0) throw Error(what + " has unsupported element type " + std::to_string(t.data_type()));
    int64_t bytes = count * size;
    if (t.data_location() == TensorProto::EXTERNAL) {
        resolve_external(t, dir, what, bytes);
    } else if (t.has_raw_data()) {
        if (static_cast<int64_t>(t.raw_data().size()) != bytes)
            throw Error(what + " has " + std::to_string(t.raw_data().size()) + " bytes of raw data, expected " +
                        std::to_string(bytes) + " for " + std::to_string(count) + " elements");
    } else {
        bool complex = t.data_type() == TensorProto::COMPLEX64 || t.data_type() == TensorProto::COMPLEX128;
        int64_t values = typed_value_count(t), expected = complex ? 2 * count : count;
        if (values != expected)
            throw Error(what + " has " + std::to_string(values) + " data values, expected " + std::to_string(expected));
    }
}

}  // namespace mcc_onnx

using namespace mcc_onnx;

// Writes the low `size` bytes of each int32_data value (how ONNX stores int8, uint16,
// bool, float16, ... in that field).
template <typename T>
static void narrow(const google::protobuf::RepeatedField<T> &values, unsigned char *out, size_t size) {
    for (T v : values) {
        uint64_t bits = static_cast<uint64_t>(v);
        memcpy(out, &bits, size);  // little-endian: the low bytes come first
        out += size;
    }
}

static void read_external(const TensorProto &t, const std::string &dir, const std::string &what, void *out,
                          int64_t bytes) {
    ExternalRange range = resolve_external(t, dir, what, bytes);  // again: the file may have changed
    int fd = open(range.file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(what + ": cannot open external data '" + range.file + "': " + strerror(errno));
    struct Closer { int fd; ~Closer() { close(fd); } } closer{fd};
    int64_t done = 0;
    while (done < bytes) {
        ssize_t n = pread(fd, static_cast<char *>(out) + done, static_cast<size_t>(bytes - done), range.offset + done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Error(what + ": cannot read external data '" + range.file + "'");
        done += n;
    }
}

extern "C" {

void mcc_onnx_free_string(char *string) { free(string); }

const char *mcc_onnx_tensor_name(const mcc_onnx_tensor *t) { return t ? t->proto->name().c_str() : nullptr; }
int mcc_onnx_tensor_elem_type(const mcc_onnx_tensor *t) { return t ? t->proto->data_type() : -1; }
int64_t mcc_onnx_tensor_rank(const mcc_onnx_tensor *t) { return t ? t->proto->dims_size() : -1; }

int64_t mcc_onnx_tensor_dim(const mcc_onnx_tensor *t, int64_t index) {
    if (!t || index < 0 || index >= t->proto->dims_size()) return -1;
    return t->proto->dims(static_cast<int>(index));
}

int64_t mcc_onnx_tensor_byte_size(const mcc_onnx_tensor *t) {
    if (!t || element_size(t->proto->data_type()) == 0) return -1;
    try {
        return checked_element_count(t->proto->dims(), "tensor") * element_size(t->proto->data_type());
    } catch (...) {
        return -1;
    }
}

int mcc_onnx_tensor_data(const mcc_onnx_tensor *tensor, void *out, size_t out_bytes, char **error) {
    try {
        if (!tensor) throw Error("no tensor");
        const TensorProto &t = *tensor->proto;
        const std::string what = "tensor '" + t.name() + "'";
        if (t.data_type() == TensorProto::STRING) throw Error(what + " holds strings, which are not supported");
        validate_tensor(t, tensor->dir, what);
        int64_t bytes = mcc_onnx_tensor_byte_size(tensor);
        if (bytes < 0 || static_cast<uint64_t>(bytes) != out_bytes)
            throw Error(what + ": the buffer has " + std::to_string(out_bytes) + " bytes, the data " +
                        std::to_string(bytes));
        if (bytes == 0) return 0;
        if (!out) throw Error(what + ": no output buffer");
        auto *dst = static_cast<unsigned char *>(out);
        if (t.data_location() == TensorProto::EXTERNAL) {
            read_external(t, tensor->dir, what, out, bytes);
            return 0;
        }
        if (t.has_raw_data()) {
            memcpy(dst, t.raw_data().data(), static_cast<size_t>(bytes));
            return 0;
        }
        switch (t.data_type()) {
        case TensorProto::FLOAT: case TensorProto::COMPLEX64:
            memcpy(dst, t.float_data().data(), static_cast<size_t>(bytes)); break;
        case TensorProto::INT64: memcpy(dst, t.int64_data().data(), static_cast<size_t>(bytes)); break;
        case TensorProto::DOUBLE: case TensorProto::COMPLEX128:
            memcpy(dst, t.double_data().data(), static_cast<size_t>(bytes)); break;
        case TensorProto::UINT64: memcpy(dst, t.uint64_data().data(), static_cast<size_t>(bytes)); break;
        case TensorProto::UINT32: narrow(t.uint64_data(), dst, 4); break;
        default: narrow(t.int32_data(), dst, static_cast<size_t>(element_size(t.data_type()))); break;
        }
        return 0;
    } catch (const std::exception &e) {
        set_error(error, e.what());
    } catch (...) {
        set_error(error, "unknown error while reading tensor data");
    }
    return -1;
}

mcc_onnx_tensor *mcc_onnx_load_tensor(const char *path, char **error) {
    try {
        if (!path) throw Error("no path given");
        std::string bytes = read_file(path, MCC_ONNX_MAX_FILE_BYTES);
        auto tensor = std::make_unique<mcc_onnx_tensor>();
        tensor->owned = std::make_unique<TensorProto>();
        if (!tensor->owned->ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
            throw Error("not a valid TensorProto file: the protobuf data is truncated or corrupt");
        tensor->proto = tensor->owned.get();
        tensor->dir = directory_of(path);
        validate_tensor(*tensor->proto, tensor->dir, "tensor '" + tensor->proto->name() + "'");
        return tensor.release();
    } catch (const std::exception &e) {
        set_error(error, e.what());
    } catch (...) {
        set_error(error, "unknown error while loading a tensor");
    }
    return nullptr;
}

void mcc_onnx_free_tensor(mcc_onnx_tensor *tensor) { delete tensor; }

}  // extern "C"
