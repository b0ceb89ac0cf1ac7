#include "provider/core/msgpack_codec.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "provider/core/value_path.h"

// The byte level is hand-written rather than delegated to
// nlohmann::json::from_msgpack because decoding has to be driven by the cty
// type (a str is a string for "string" but decimal text for "number"; bin vs
// str matters for dynamic values), must keep float32/float64/int apart, must
// skip extension payloads without interpreting them, and must bound nesting
// depth on hostile input, which a generic DOM parser does not do.

namespace vpcep::core {
namespace {

using internal::Abseil;
using internal::Quote;
using Path = internal::ValuePath;

// ---------------------------------------------------------------------------
// Byte-level reading.

// Outcome of reading one item: kMismatch leaves the input where it was so the
// caller can report "X required"; kEof means the data was cut short.
enum class Read { kOk, kMismatch, kEof };

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  bool AtEnd() const { return pos_ >= data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }

  std::optional<uint8_t> Peek() const {
    if (AtEnd()) return std::nullopt;
    return static_cast<uint8_t>(data_[pos_]);
  }

  static bool IsExt(uint8_t c) { return (c >= 0xc7 && c <= 0xc9) || (c >= 0xd4 && c <= 0xd8); }

  // Skips an extension item (header, type byte and payload).
  Read SkipExt() {
    const size_t start = pos_;
    const uint8_t c = static_cast<uint8_t>(data_[pos_++]);
    uint64_t length = 0;
    if (c >= 0xd4 && c <= 0xd8) {
      length = uint64_t{1} << (c - 0xd4);  // fixext 1, 2, 4, 8, 16
    } else if (c >= 0xc7 && c <= 0xc9) {
      // ext 8, 16, 32: the payload length takes 1, 2 or 4 bytes.
      if (!Uint(1 << (c - 0xc7), &length)) return Eof(start);
    } else {
      pos_ = start;
      return Read::kMismatch;
    }
    if (remaining() < length + 1) return Eof(start);  // +1: the ext type byte
    pos_ += length + 1;
    return Read::kOk;
  }

  bool ReadNil() {
    if (Peek() != 0xc0) return false;
    ++pos_;
    return true;
  }

  Read ReadBool(bool* out) {
    std::optional<uint8_t> c = Peek();
    if (!c) return Read::kEof;
    if (*c != 0xc2 && *c != 0xc3) return Read::kMismatch;
    *out = *c == 0xc3;
    ++pos_;
    return Read::kOk;
  }

  // Reads a str item, or a bin item if `allow_bin` (go-cty's decoder accepts
  // both for strings).
  Read ReadString(bool allow_bin, std::string_view* out) {
    const size_t start = pos_;
    std::optional<uint8_t> c = Peek();
    if (!c) return Read::kEof;
    uint64_t length = 0;
    int length_bytes = 0;
    if (*c >= 0xa0 && *c <= 0xbf) {
      length = *c & 0x1f;
    } else if (*c == 0xd9 || (allow_bin && *c == 0xc4)) {
      length_bytes = 1;
    } else if (*c == 0xda || (allow_bin && *c == 0xc5)) {
      length_bytes = 2;
    } else if (*c == 0xdb || (allow_bin && *c == 0xc6)) {
      length_bytes = 4;
    } else {
      return Read::kMismatch;
    }
    ++pos_;
    if (length_bytes > 0 && !Uint(length_bytes, &length)) return Eof(start);
    if (remaining() < length) return Eof(start);
    *out = data_.substr(pos_, length);
    pos_ += length;
    return Read::kOk;
  }

  Read ReadArrayLength(uint64_t* out) { return ReadContainerLength(0x90, 0xdc, 0xdd, out); }
  Read ReadMapLength(uint64_t* out) { return ReadContainerLength(0x80, 0xde, 0xdf, out); }

  // Reads any integer, float or str (decimal text) item; `*number` is set on
  // kOk. NaN and non-numeric text are a kMismatch.
  Read ReadNumber(Value* number) {
    const size_t start = pos_;
    std::optional<uint8_t> c = Peek();
    if (!c) return Read::kEof;
    if (*c <= 0x7f) {
      ++pos_;
      *number = Value::Int(*c);
      return Read::kOk;
    }
    if (*c >= 0xe0) {
      ++pos_;
      *number = Value::Int(static_cast<int8_t>(*c));
      return Read::kOk;
    }
    if (*c >= 0xcc && *c <= 0xd3) return ReadInteger(*c, start, number);
    if (*c == 0xca || *c == 0xcb) return ReadFloat(*c, start, number);
    std::string_view text;
    Read r = ReadString(/*allow_bin=*/false, &text);
    if (r != Read::kOk) return r;
    absl::StatusOr<Value> parsed = Value::ParseNumber(text);
    if (!parsed.ok()) {
      pos_ = start;
      return Read::kMismatch;
    }
    *number = *std::move(parsed);
    return Read::kOk;
  }

 private:
  // uint 8..64 (0xcc..0xcf) or int 8..64 (0xd0..0xd3), marker `c` at `start`.
  Read ReadInteger(uint8_t c, size_t start, Value* number) {
    uint64_t bits = 0;
    ++pos_;
    if (c <= 0xcf) {
      if (!Uint(1 << (c - 0xcc), &bits)) return Eof(start);
      if (bits > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        *number = Value::NumberFromString(std::to_string(bits));
      } else {
        *number = Value::Int(static_cast<int64_t>(bits));
      }
      return Read::kOk;
    }
    const int size = 1 << (c - 0xd0);
    if (!Uint(size, &bits)) return Eof(start);
    // Sign-extend from `size` bytes.
    const int shift = 64 - 8 * size;
    *number = Value::Int(static_cast<int64_t>(bits << shift) >> shift);
    return Read::kOk;
  }

  // float 32 (0xca) or float 64 (0xcb), marker `c` at `start`.
  Read ReadFloat(uint8_t c, size_t start, Value* number) {
    uint64_t bits = 0;
    ++pos_;
    if (c == 0xca) {
      if (!Uint(4, &bits)) return Eof(start);
      const uint32_t raw = static_cast<uint32_t>(bits);
      float f;
      std::memcpy(&f, &raw, sizeof(f));
      return FloatNumber(static_cast<double>(f), start, number);
    }
    if (!Uint(8, &bits)) return Eof(start);
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    return FloatNumber(d, start, number);
  }

  Read Eof(size_t start) {
    pos_ = start;
    return Read::kEof;
  }

  // Big-endian unsigned integer of `size` bytes.
  bool Uint(int size, uint64_t* out) {
    if (remaining() < static_cast<size_t>(size)) return false;
    uint64_t v = 0;
    for (int i = 0; i < size; ++i) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += size;
    *out = v;
    return true;
  }

  Read ReadContainerLength(uint8_t fix, uint8_t code16, uint8_t code32, uint64_t* out) {
    const size_t start = pos_;
    std::optional<uint8_t> c = Peek();
    if (!c) return Read::kEof;
    if ((*c & 0xf0) == fix) {
      ++pos_;
      *out = *c & 0x0f;
      return Read::kOk;
    }
    if (*c != code16 && *c != code32) return Read::kMismatch;
    ++pos_;
    if (!Uint(*c == code16 ? 2 : 4, out)) return Eof(start);
    return Read::kOk;
  }

  Read FloatNumber(double d, size_t start, Value* number) {
    if (std::isnan(d)) {  // not a cty number
      pos_ = start;
      return Read::kMismatch;
    }
    // A float on the wire stands for its exact binary value (go-cty sends
    // floats only for numbers a double holds exactly).
    *number = Value::ExactNumber(d);
    return Read::kOk;
  }

  std::string_view data_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------
// Type-directed decoding.

class Decoder {
 public:
  explicit Decoder(std::string_view bytes) : in_(bytes) {}

  absl::StatusOr<Value> DecodeTop(const Type& type) {
    absl::StatusOr<Value> v = Decode(type, 0);
    if (!v.ok()) return v;
    if (!in_.AtEnd()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected ", in_.remaining(), " trailing bytes after the msgpack value"));
    }
    return v;
  }

 private:
  absl::Status Eof() const { return path_.Error("unexpected end of msgpack data"); }
  absl::Status Required(const Type& type) const {
    return path_.Error(absl::StrCat(type.FriendlyName(), " required"));
  }
  absl::Status Failure(Read r, const Type& type) const {
    return r == Read::kEof ? Eof() : Required(type);
  }

  absl::StatusOr<Value> Decode(const Type& type, int depth) {
    if (depth > Type::kMaxDepth) {
      return path_.Error(absl::StrCat("nesting deeper than ", Type::kMaxDepth, " levels"));
    }
    std::optional<uint8_t> c = in_.Peek();
    if (!c) return Eof();
    // Every extension type means "unknown"; ext 12 carries refinements
    // (prefix, bounds, nullness) that are safe to ignore.
    if (Reader::IsExt(*c)) {
      if (in_.SkipExt() != Read::kOk) return Eof();
      return Value::Unknown(type);
    }
    if (type.is_dynamic()) return DecodeDynamic(depth);
    if (in_.ReadNil()) return Value::Null(type);

    switch (type.kind()) {
      case Type::Kind::kString: {
        std::string_view s;
        Read r = in_.ReadString(/*allow_bin=*/true, &s);
        if (r != Read::kOk) return Failure(r, type);
        return Value::String(std::string(s));
      }
      case Type::Kind::kNumber: {
        Value n;
        Read r = in_.ReadNumber(&n);
        if (r != Read::kOk) return Failure(r, type);
        return n;
      }
      case Type::Kind::kBool: {
        bool b = false;
        Read r = in_.ReadBool(&b);
        if (r != Read::kOk) return Failure(r, type);
        return Value::Bool(b);
      }
      case Type::Kind::kList:
      case Type::Kind::kSet:
      case Type::Kind::kTuple:
        return DecodeSequence(type, depth);
      case Type::Kind::kMap:
        return DecodeMap(type, depth);
      case Type::Kind::kObject:
        return DecodeObject(type, depth);
      case Type::Kind::kDynamic:
        break;
    }
    return path_.Error("unsupported type");
  }

  absl::StatusOr<Value> DecodeSequence(const Type& type, int depth) {
    uint64_t length = 0;
    Read r = in_.ReadArrayLength(&length);
    if (r != Read::kOk) return Failure(r, type);
    const bool is_tuple = type.kind() == Type::Kind::kTuple;
    if (is_tuple && length != type.tuple_elements().size()) {
      return path_.Error(absl::StrFormat("a tuple of %d elements is required (%d given)",
                                         type.tuple_elements().size(), length));
    }
    std::vector<Value> elements;
    // Every element takes at least one byte: a claimed length beyond the
    // remaining input must not drive a huge allocation.
    elements.reserve(std::min<uint64_t>(length, in_.remaining()));
    for (uint64_t i = 0; i < length; ++i) {
      const Type& element_type = is_tuple ? type.tuple_elements()[i] : type.element();
      path_.PushIndex(i);
      absl::StatusOr<Value> e = Decode(element_type, depth + 1);
      path_.Pop();
      if (!e.ok()) return e.status();
      elements.push_back(*std::move(e));
    }
    return internal::SequenceOf(type, std::move(elements));
  }

  absl::StatusOr<Value> DecodeMap(const Type& type, int depth) {
    uint64_t length = 0;
    Read r = in_.ReadMapLength(&length);
    if (r != Read::kOk) return Failure(r, type);
    std::map<std::string, Value> elements;
    for (uint64_t i = 0; i < length; ++i) {
      std::string_view key;
      r = in_.ReadString(/*allow_bin=*/true, &key);
      if (r == Read::kEof) return Eof();
      if (r != Read::kOk) return path_.Error("map keys must be strings");
      path_.PushKey(key);
      absl::StatusOr<Value> e = Decode(type.element(), depth + 1);
      path_.Pop();
      if (!e.ok()) return e.status();
      elements.insert_or_assign(std::string(key), *std::move(e));
    }
    return Value::Map(type.element(), std::move(elements));
  }

  absl::StatusOr<Value> DecodeObject(const Type& type, int depth) {
    uint64_t length = 0;
    Read r = in_.ReadMapLength(&length);
    if (r != Read::kOk) return Failure(r, type);
    const auto& attr_types = type.attributes();
    if (length != attr_types.size()) {
      return path_.Error(absl::StrFormat("an object with %d attributes is required (%d given)",
                                         attr_types.size(), length));
    }
    std::map<std::string, Value> attrs;
    for (uint64_t i = 0; i < length; ++i) {
      std::string_view key;
      r = in_.ReadString(/*allow_bin=*/true, &key);
      if (r == Read::kEof) return Eof();
      if (r != Read::kOk) return path_.Error("object attribute names must be strings");
      auto attr_type = attr_types.find(std::string(key));
      if (attr_type == attr_types.end()) {
        return path_.Error(absl::StrCat("unsupported attribute ", Quote(key)));
      }
      if (attrs.count(attr_type->first) > 0) {
        return path_.Error(absl::StrCat("duplicate attribute ", Quote(key)));
      }
      path_.PushAttr(attr_type->first);
      absl::StatusOr<Value> v = Decode(attr_type->second, depth + 1);
      path_.Pop();
      if (!v.ok()) return v.status();
      attrs.emplace(attr_type->first, *std::move(v));
    }
    // With the count equal and no unknown or duplicate names, every
    // attribute is present.
    return Value::ObjectOf(type, std::move(attrs));
  }

  absl::StatusOr<Value> DecodeDynamic(int depth) {
    if (in_.ReadNil()) return Value::Null(Type::Dynamic());
    uint64_t length = 0;
    Read r = in_.ReadArrayLength(&length);
    if (r == Read::kEof) return Eof();
    if (r != Read::kOk || length != 2) {
      return path_.Error("a dynamic value must be a two-element array [type, value]");
    }
    std::string_view type_json;
    r = in_.ReadString(/*allow_bin=*/true, &type_json);
    if (r == Read::kEof) return Eof();
    if (r != Read::kOk) return path_.Error("the type of a dynamic value must be bin or str");
    absl::StatusOr<Type> type = Type::FromJson(type_json);
    if (!type.ok()) return path_.Error(type.status().message());
    if (type->is_dynamic()) return path_.Error("a dynamic value must have a concrete type");
    return Decode(*type, depth + 1);
  }

  Reader in_;
  Path path_;
};

// ---------------------------------------------------------------------------
// Encoding.

class Writer {
 public:
  std::string& out() { return out_; }

  void Nil() { out_ += '\xc0'; }
  void Unknown() { out_.append("\xd4\x00\x00", 3); }
  void Bool(bool b) { out_ += b ? '\xc3' : '\xc2'; }

  void Int(int64_t n) {
    if (n >= 0) {
      const uint64_t u = static_cast<uint64_t>(n);
      if (u <= 0x7f) {
        Byte(static_cast<uint8_t>(u));
      } else if (u <= 0xff) {
        Byte(0xcc);
        BigEndian(u, 1);
      } else if (u <= 0xffff) {
        Byte(0xcd);
        BigEndian(u, 2);
      } else if (u <= 0xffffffffu) {
        Byte(0xce);
        BigEndian(u, 4);
      } else {
        Byte(0xcf);
        BigEndian(u, 8);
      }
      return;
    }
    const uint64_t bits = static_cast<uint64_t>(n);
    if (n >= -32) {
      Byte(static_cast<uint8_t>(bits));
    } else if (n >= std::numeric_limits<int8_t>::min()) {
      Byte(0xd0);
      BigEndian(bits, 1);
    } else if (n >= std::numeric_limits<int16_t>::min()) {
      Byte(0xd1);
      BigEndian(bits, 2);
    } else if (n >= std::numeric_limits<int32_t>::min()) {
      Byte(0xd2);
      BigEndian(bits, 4);
    } else {
      Byte(0xd3);
      BigEndian(bits, 8);
    }
  }

  void Float64(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof(bits));
    Byte(0xcb);
    BigEndian(bits, 8);
  }

  void Str(std::string_view s) {
    Header(s.size(), 0xa0, 31, 0xd9, 0xda, 0xdb);
    out_ += s;
  }

  void Bin(std::string_view s) {
    if (s.size() <= 0xff) {
      Byte(0xc4);
      BigEndian(s.size(), 1);
    } else if (s.size() <= 0xffff) {
      Byte(0xc5);
      BigEndian(s.size(), 2);
    } else {
      Byte(0xc6);
      BigEndian(s.size(), 4);
    }
    out_ += s;
  }

  // No 8-bit forms exist for arrays and maps.
  void Array(size_t n) { Header(n, 0x90, 15, 0, 0xdc, 0xdd); }
  void Map(size_t n) { Header(n, 0x80, 15, 0, 0xde, 0xdf); }

 private:
  void Byte(uint8_t b) { out_ += static_cast<char>(b); }
  void BigEndian(uint64_t v, int size) {
    for (int i = size - 1; i >= 0; --i) Byte(static_cast<uint8_t>(v >> (8 * i)));
  }
  void Header(size_t n, uint8_t fix, size_t fix_max, uint8_t code8, uint8_t code16,
              uint8_t code32) {
    if (n <= fix_max) {
      Byte(static_cast<uint8_t>(fix | n));
    } else if (code8 != 0 && n <= 0xff) {
      Byte(code8);
      BigEndian(n, 1);
    } else if (n <= 0xffff) {
      Byte(code16);
      BigEndian(n, 2);
    } else {
      Byte(code32);
      BigEndian(n, 4);
    }
  }

  std::string out_;
};

class Encoder {
 public:
  void Encode(const Value& value, const Type& type) {
    if (type.is_dynamic()) {
      EncodeDynamic(value);
      return;
    }
    if (!value.is_known()) {
      out_.Unknown();
      return;
    }
    if (value.is_null()) {
      out_.Nil();
      return;
    }
    if (value.type().kind() != type.kind()) {
      Fail(absl::StrCat(type.FriendlyName(), " required, got ", value.type().FriendlyName()));
      out_.Nil();
      return;
    }
    switch (type.kind()) {
      case Type::Kind::kString:
        out_.Str(value.AsString());
        return;
      case Type::Kind::kNumber:
        EncodeNumber(value);
        return;
      case Type::Kind::kBool:
        out_.Bool(value.AsBool());
        return;
      case Type::Kind::kList:
      case Type::Kind::kSet:
        EncodeElements(value.Elements(), [&type](size_t) -> const Type& { return type.element(); });
        return;
      case Type::Kind::kTuple:
        EncodeTuple(value, type);
        return;
      case Type::Kind::kMap:
        EncodeMap(value, type);
        return;
      case Type::Kind::kObject:
        EncodeObject(value, type);
        return;
      case Type::Kind::kDynamic:
        break;
    }
  }

  std::string& bytes() { return out_.out(); }
  const absl::Status& status() const { return status_; }

 private:
  // Numbers go out as exact decimal text, which go-cty parses exactly as it
  // parses the numbers of a state file. An int or float would decode to a
  // number of another precision; Terraform 1.11 compares the state it loaded
  // with the state after refresh by deep equality, so a refresh that changed
  // nothing would still count as drift (`plan -refresh-only
  // -detailed-exitcode` exiting 2).
  void EncodeNumber(const Value& n) {
    if (double d = n.AsDouble(); std::isinf(d)) {
      out_.Float64(d);  // decimal text has no infinity
      return;
    }
    out_.Str(n.NumberText());
  }

  // A value of Dynamic type goes out as [type JSON, value], so the receiver
  // can decode it.
  void EncodeDynamic(const Value& value) {
    if (value.type().is_dynamic()) {
      // Only null and unknown values have Dynamic type themselves.
      if (!value.is_known()) {
        out_.Unknown();
      } else {
        out_.Nil();
      }
      return;
    }
    out_.Array(2);
    out_.Bin(value.type().ToJson());
    Encode(value, value.type());
  }

  // An array of `elements`, element i encoded as `type_of(i)`.
  template <typename TypeOf>
  void EncodeElements(const std::vector<Value>& elements, TypeOf type_of) {
    out_.Array(elements.size());
    for (size_t i = 0; i < elements.size(); ++i) {
      path_.PushIndex(i);
      Encode(elements[i], type_of(i));
      path_.Pop();
    }
  }

  void EncodeTuple(const Value& value, const Type& type) {
    const auto& elements = value.Elements();
    const auto& types = type.tuple_elements();
    if (elements.size() != types.size()) {
      Fail(absl::StrFormat("a tuple of %d elements is required (%d given)", types.size(),
                           elements.size()));
      out_.Nil();
      return;
    }
    EncodeElements(elements, [&types](size_t i) -> const Type& { return types[i]; });
  }

  void EncodeMap(const Value& value, const Type& type) {
    const auto& elements = value.MapElements();
    out_.Map(elements.size());
    for (const auto& [key, element] : elements) {
      out_.Str(key);
      path_.PushKey(key);
      Encode(element, type.element());
      path_.Pop();
    }
  }

  // Every attribute of the type; an attribute the type lacks is an error.
  void EncodeObject(const Value& value, const Type& type) {
    const auto& attr_types = type.attributes();
    for (const auto& [name, v] : value.Attributes()) {
      if (attr_types.count(name) == 0) {
        Fail(absl::StrCat("unsupported attribute ", Quote(name)));
      }
    }
    // std::map iterates in byte order of the names, as go-cty sorts them.
    out_.Map(attr_types.size());
    for (const auto& [name, attr_type] : attr_types) {
      out_.Str(name);
      path_.PushAttr(name);
      Encode(value.Attr(name), attr_type);
      path_.Pop();
    }
  }

  void Fail(absl::string_view message) {
    if (status_.ok()) status_ = path_.Error(message);
  }

  Writer out_;
  Path path_;
  absl::Status status_;
};

}  // namespace

absl::StatusOr<Value> DecodeMsgpack(std::string_view bytes, const Type& type) {
  Decoder decoder(bytes);
  return decoder.DecodeTop(type);
}

std::string EncodeMsgpack(const Value& value, const Type& type) {
  Encoder encoder;
  encoder.Encode(value, type);
  return std::move(encoder.bytes());
}

absl::StatusOr<std::string> TryEncodeMsgpack(const Value& value, const Type& type) {
  Encoder encoder;
  encoder.Encode(value, type);
  if (!encoder.status().ok()) return encoder.status();
  return std::move(encoder.bytes());
}

}  // namespace vpcep::core
