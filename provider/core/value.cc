#include "provider/core/value.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace vpcep::core {

namespace {

enum class State : uint8_t { kNull, kUnknown, kKnown };

// How a known number is held. kInt whenever the value is an integer in int64
// range, kDecimal (canonical text) otherwise, so each number has exactly one
// representation and equality is a plain member comparison.
enum class NumKind : uint8_t { kInt, kDecimal, kPosInf, kNegInf };

// A decimal whose canonical text would be longer than this is rejected: the
// exponent of "1e999999999" must not turn into a gigabyte of zeros.
constexpr size_t kMaxDecimalDigits = 20000;

// Enough fractional digits to print any double exactly (the smallest
// subnormal has 1074), plus room for 309 integer digits and a sign.
constexpr int kExactFractionDigits = 1100;
constexpr size_t kExactBufferSize = 1500;

}  // namespace

struct Value::Rep {
  Type type;
  State state = State::kNull;
  bool wholly_known = true;
  bool b = false;
  NumKind num = NumKind::kInt;
  int64_t i = 0;
  std::string str;                     // string value, or decimal text
  std::vector<Value> elems;            // list, set, tuple
  std::map<std::string, Value> attrs;  // map, object
};

namespace {

const Type& DynamicType() {
  static const Type* const kType = new Type();
  return *kType;
}
const Value& NullDynamic() {
  static const Value* const kValue = new Value();
  return *kValue;
}
const std::string& EmptyString() {
  static const std::string* const kEmpty = new std::string();
  return *kEmpty;
}
const std::vector<Value>& EmptyValues() {
  static const auto* const kEmpty = new std::vector<Value>();
  return *kEmpty;
}
const std::map<std::string, Value>& EmptyValueMap() {
  static const auto* const kEmpty = new std::map<std::string, Value>();
  return *kEmpty;
}

// Debian's Abseil has its own string_view class; convert explicitly.
absl::string_view Abseil(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A decimal as written: its sign, all its digits (integer then fraction
// part), how many of them precede the point, and the exponent.
struct DecimalParts {
  bool negative = false;
  std::string digits;
  size_t int_digits = 0;
  int64_t exponent = 0;
};

// Splits `s` (sign, digits, optional fraction and exponent) into its parts;
// false when it is not a decimal.
bool SplitDecimal(std::string_view s, DecimalParts& out) {
  size_t pos = 0;
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) {
    out.negative = s[pos] == '-';
    ++pos;
  }
  while (pos < s.size() && IsDigit(s[pos])) {
    out.digits += s[pos++];
    ++out.int_digits;
  }
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && IsDigit(s[pos])) out.digits += s[pos++];
  }
  if (out.digits.empty()) return false;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    bool exp_negative = false;
    if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) {
      exp_negative = s[pos] == '-';
      ++pos;
    }
    if (pos >= s.size() || !IsDigit(s[pos])) return false;
    while (pos < s.size() && IsDigit(s[pos])) {
      // Saturate: anything this large is out of range anyway.
      if (out.exponent < 1000000000) out.exponent = out.exponent * 10 + (s[pos] - '0');
      ++pos;
    }
    if (exp_negative) out.exponent = -out.exponent;
  }
  return pos == s.size();
}

// Canonical text of a decimal: optional "-", integer digits without leading
// zeros ("0" if none), then "." and fraction digits without trailing zeros if
// there is a fraction. No exponent. Zero is "0" (never "-0").
absl::StatusOr<std::string> CanonicalDecimal(std::string_view s) {
  DecimalParts parts;
  if (!SplitDecimal(s, parts)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid number \"", Abseil(s.substr(0, 64)), "\""));
  }
  const std::string& digits = parts.digits;
  // Value = 0.digits * 10^point, i.e. `point` digits precede the decimal point.
  int64_t point = static_cast<int64_t>(parts.int_digits) + parts.exponent;
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return std::string("0");
  point -= static_cast<int64_t>(first);
  size_t last = digits.find_last_not_of('0');
  std::string_view significant(digits.data() + first, last - first + 1);
  const int64_t n = static_cast<int64_t>(significant.size());
  if (point > static_cast<int64_t>(kMaxDecimalDigits) ||
      n - point > static_cast<int64_t>(kMaxDecimalDigits)) {
    return absl::InvalidArgumentError(
        absl::StrCat("number \"", Abseil(s.substr(0, 64)), "\" is out of the supported range"));
  }
  std::string out;
  if (parts.negative) out += '-';
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-point), '0');
    out += significant;
  } else if (point >= n) {
    out += significant;
    out.append(static_cast<size_t>(point - n), '0');
  } else {
    out += significant.substr(0, static_cast<size_t>(point));
    out += '.';
    out += significant.substr(static_cast<size_t>(point));
  }
  return out;
}

// The exact decimal expansion of a finite double, canonical.
std::string ExactDecimalText(double d) {
  char buf[kExactBufferSize];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed, kExactFractionDigits);
  if (ec != std::errc()) return "0";  // cannot happen with this buffer size
  absl::StatusOr<std::string> canonical = CanonicalDecimal(std::string_view(buf, end - buf));
  return canonical.ok() ? *std::move(canonical) : std::string("0");
}

// Compares canonical decimal texts numerically: -1, 0 or 1.
int CompareDecimalText(std::string_view x, std::string_view y) {
  const bool x_neg = !x.empty() && x[0] == '-';
  const bool y_neg = !y.empty() && y[0] == '-';
  if (x_neg != y_neg) return x_neg ? -1 : 1;
  if (x_neg) {
    x.remove_prefix(1);
    y.remove_prefix(1);
  }
  auto split = [](std::string_view t, std::string_view* integer, std::string_view* fraction) {
    size_t dot = t.find('.');
    *integer = t.substr(0, dot);
    *fraction = dot == std::string_view::npos ? std::string_view() : t.substr(dot + 1);
  };
  std::string_view xi, xf, yi, yf;
  split(x, &xi, &xf);
  split(y, &yi, &yf);
  int magnitude = 0;
  if (xi.size() != yi.size()) {
    magnitude = xi.size() < yi.size() ? -1 : 1;
  } else if (int c = xi.compare(yi); c != 0) {
    magnitude = c < 0 ? -1 : 1;
  } else if (int c = xf.compare(yf); c != 0) {
    // Without trailing zeros a plain string comparison orders fractions.
    magnitude = c < 0 ? -1 : 1;
  }
  return x_neg ? -magnitude : magnitude;
}

int Sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

int StateRank(const Value& v) {
  if (v.is_null()) return 0;
  return v.is_known() ? 1 : 2;
}

// A null or unknown placeholder of Dynamic type takes the declared type, so
// callers can write Value() for "null" in typed positions.
Value Adopt(Value v, const Type& declared) {
  if (declared.is_dynamic() || !v.type().is_dynamic()) return v;
  if (v.is_null()) return Value::Null(declared);
  if (!v.is_known()) return Value::Unknown(declared);
  return v;
}

bool AllWhollyKnown(const std::vector<Value>& values) {
  return std::all_of(values.begin(), values.end(),
                     [](const Value& v) { return v.is_wholly_known(); });
}
bool AllWhollyKnown(const std::map<std::string, Value>& values) {
  return std::all_of(values.begin(), values.end(),
                     [](const auto& kv) { return kv.second.is_wholly_known(); });
}

std::string Quote(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Value::Value() = default;

Value Value::Null(Type type) {
  auto rep = std::make_shared<Rep>();
  rep->type = std::move(type);
  return Value(std::move(rep));
}

Value Value::Unknown(Type type) {
  auto rep = std::make_shared<Rep>();
  rep->type = std::move(type);
  rep->state = State::kUnknown;
  rep->wholly_known = false;
  return Value(std::move(rep));
}

Value Value::String(std::string s) {
  auto rep = std::make_shared<Rep>();
  rep->type = Type::String();
  rep->state = State::kKnown;
  rep->str = std::move(s);
  return Value(std::move(rep));
}

Value Value::Int(int64_t n) {
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Number();
  rep->state = State::kKnown;
  rep->num = NumKind::kInt;
  rep->i = n;
  return Value(std::move(rep));
}

Value Value::Number(double n) {
  if (std::isnan(n)) return Null(Type::Number());
  if (std::isinf(n)) {
    auto rep = std::make_shared<Rep>();
    rep->type = Type::Number();
    rep->state = State::kKnown;
    rep->num = n > 0 ? NumKind::kPosInf : NumKind::kNegInf;
    return Value(std::move(rep));
  }
  // Shortest digits that round-trip: the decimal the author of `n` meant.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), n, std::chars_format::scientific);
  if (ec != std::errc()) return ExactNumber(n);
  return NumberFromString(std::string_view(buf, end - buf));
}

Value Value::ExactNumber(double n) {
  if (std::isnan(n) || std::isinf(n)) return Number(n);
  return NumberFromString(ExactDecimalText(n));
}

Value Value::NumberFromString(std::string_view decimal) {
  absl::StatusOr<Value> v = ParseNumber(decimal);
  return v.ok() ? *std::move(v) : Null(Type::Number());
}

absl::StatusOr<Value> Value::ParseNumber(std::string_view decimal) {
  absl::StatusOr<std::string> canonical = CanonicalDecimal(decimal);
  if (!canonical.ok()) return canonical.status();
  if (canonical->find('.') == std::string::npos) {
    int64_t n = 0;
    const char* begin = canonical->data();
    const char* end = begin + canonical->size();
    auto [ptr, ec] = std::from_chars(begin, end, n);
    if (ec == std::errc() && ptr == end) return Int(n);
  }
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Number();
  rep->state = State::kKnown;
  rep->num = NumKind::kDecimal;
  rep->str = *std::move(canonical);
  return Value(std::move(rep));
}

Value Value::Bool(bool b) {
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Bool();
  rep->state = State::kKnown;
  rep->b = b;
  return Value(std::move(rep));
}

Value Value::List(Type element, std::vector<Value> elements) {
  for (Value& e : elements) e = Adopt(std::move(e), element);
  auto rep = std::make_shared<Rep>();
  rep->type = Type::List(std::move(element));
  rep->state = State::kKnown;
  rep->wholly_known = AllWhollyKnown(elements);
  rep->elems = std::move(elements);
  return Value(std::move(rep));
}

Value Value::Set(Type element, std::vector<Value> elements) {
  for (Value& e : elements) e = Adopt(std::move(e), element);
  std::stable_sort(elements.begin(), elements.end(),
                   [](const Value& a, const Value& b) { return Compare(a, b) < 0; });
  // Equal wholly known elements are adjacent after sorting. Elements with
  // unknowns stay: they might become different values at apply time, and
  // Terraform counts them separately.
  std::vector<Value> unique;
  unique.reserve(elements.size());
  for (Value& e : elements) {
    if (!unique.empty() && e.is_wholly_known() && unique.back().is_wholly_known() &&
        Compare(unique.back(), e) == 0) {
      continue;
    }
    unique.push_back(std::move(e));
  }
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Set(std::move(element));
  rep->state = State::kKnown;
  rep->wholly_known = AllWhollyKnown(unique);
  rep->elems = std::move(unique);
  return Value(std::move(rep));
}

Value Value::Map(Type element, std::map<std::string, Value> elements) {
  for (auto& [key, e] : elements) e = Adopt(std::move(e), element);
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Map(std::move(element));
  rep->state = State::kKnown;
  rep->wholly_known = AllWhollyKnown(elements);
  rep->attrs = std::move(elements);
  return Value(std::move(rep));
}

Value Value::Tuple(std::vector<Value> elements) {
  std::vector<Type> types;
  types.reserve(elements.size());
  for (const Value& e : elements) types.push_back(e.type());
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Tuple(std::move(types));
  rep->state = State::kKnown;
  rep->wholly_known = AllWhollyKnown(elements);
  rep->elems = std::move(elements);
  return Value(std::move(rep));
}

Value Value::Object(std::map<std::string, Value> attributes) {
  std::map<std::string, Type> types;
  for (const auto& [name, v] : attributes) types.emplace(name, v.type());
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Object(std::move(types));
  rep->state = State::kKnown;
  rep->wholly_known = AllWhollyKnown(attributes);
  rep->attrs = std::move(attributes);
  return Value(std::move(rep));
}

Value Value::ObjectOf(const Type& type, std::map<std::string, Value> attributes) {
  if (type.kind() != Type::Kind::kObject) return Null(type);
  std::map<std::string, Value> attrs;
  for (const auto& [name, attr_type] : type.attributes()) {
    auto it = attributes.find(name);
    if (it == attributes.end()) {
      attrs.emplace_hint(attrs.end(), name, Null(attr_type));
    } else {
      attrs.emplace_hint(attrs.end(), name, Adopt(std::move(it->second), attr_type));
    }
  }
  auto rep = std::make_shared<Rep>();
  rep->type = type;
  rep->state = State::kKnown;
  rep->wholly_known = AllWhollyKnown(attrs);
  rep->attrs = std::move(attrs);
  return Value(std::move(rep));
}

Value Value::TupleOf(const Type& type, std::vector<Value> elements) {
  if (type.kind() != Type::Kind::kTuple) return Null(type);
  const auto& types = type.tuple_elements();
  elements.resize(types.size());
  for (size_t i = 0; i < types.size(); ++i) elements[i] = Adopt(std::move(elements[i]), types[i]);
  auto rep = std::make_shared<Rep>();
  rep->type = type;
  rep->state = State::kKnown;
  rep->wholly_known = AllWhollyKnown(elements);
  rep->elems = std::move(elements);
  return Value(std::move(rep));
}

const Type& Value::type() const { return rep_ ? rep_->type : DynamicType(); }

bool Value::is_null() const { return !rep_ || rep_->state == State::kNull; }

bool Value::is_known() const { return !rep_ || rep_->state != State::kUnknown; }

bool Value::is_wholly_known() const { return !rep_ || rep_->wholly_known; }

// True if this is a known, non-null value of `kind`.
#define VPCEP_HAS_KIND(wanted) \
  (rep_ != nullptr && rep_->state == State::kKnown && rep_->type.kind() == (wanted))

const std::string& Value::AsString() const {
  assert(VPCEP_HAS_KIND(Type::Kind::kString));
  return VPCEP_HAS_KIND(Type::Kind::kString) ? rep_->str : EmptyString();
}

bool Value::AsBool() const {
  assert(VPCEP_HAS_KIND(Type::Kind::kBool));
  return VPCEP_HAS_KIND(Type::Kind::kBool) && rep_->b;
}

absl::StatusOr<int64_t> Value::AsInt() const {
  if (!VPCEP_HAS_KIND(Type::Kind::kNumber)) {
    return absl::FailedPreconditionError("not a known, non-null number");
  }
  if (rep_->num == NumKind::kInt) return rep_->i;
  if (rep_->num == NumKind::kDecimal && rep_->str.find('.') == std::string::npos) {
    return absl::OutOfRangeError(absl::StrCat("number ", rep_->str, " is out of int64 range"));
  }
  return absl::InvalidArgumentError(absl::StrCat("number ", NumberText(), " is not an integer"));
}

double Value::AsDouble() const {
  assert(VPCEP_HAS_KIND(Type::Kind::kNumber));
  if (!VPCEP_HAS_KIND(Type::Kind::kNumber)) return 0;
  switch (rep_->num) {
    case NumKind::kInt:
      return static_cast<double>(rep_->i);
    case NumKind::kPosInf:
      return std::numeric_limits<double>::infinity();
    case NumKind::kNegInf:
      return -std::numeric_limits<double>::infinity();
    case NumKind::kDecimal:
      break;
  }
  const std::string& text = rep_->str;
  double d = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec == std::errc::result_out_of_range) {
    // Overflow if there are integer digits, else underflow to zero.
    const bool negative = text[0] == '-';
    const bool large = text.compare(negative ? 1 : 0, 2, "0.") != 0;
    const double magnitude = large ? std::numeric_limits<double>::infinity() : 0.0;
    return negative ? -magnitude : magnitude;
  }
  return d;
}

std::string Value::NumberText() const {
  assert(VPCEP_HAS_KIND(Type::Kind::kNumber));
  if (!VPCEP_HAS_KIND(Type::Kind::kNumber)) return "";
  switch (rep_->num) {
    case NumKind::kInt:
      return std::to_string(rep_->i);
    case NumKind::kPosInf:
      return "+Inf";
    case NumKind::kNegInf:
      return "-Inf";
    case NumKind::kDecimal:
      break;
  }
  return rep_->str;
}

bool Value::ExactDouble(double* out) const {
  if (!VPCEP_HAS_KIND(Type::Kind::kNumber)) return false;
  switch (rep_->num) {
    case NumKind::kInt:
      return false;
    case NumKind::kPosInf:
    case NumKind::kNegInf:
      *out = AsDouble();
      return true;
    case NumKind::kDecimal:
      break;
  }
  const double d = AsDouble();
  if (!std::isfinite(d)) return false;
  // The double is exact iff its full expansion is this very text.
  if (ExactDecimalText(d) != rep_->str) return false;
  *out = d;
  return true;
}

const std::vector<Value>& Value::Elements() const {
  const bool ok = VPCEP_HAS_KIND(Type::Kind::kList) || VPCEP_HAS_KIND(Type::Kind::kSet) ||
                  VPCEP_HAS_KIND(Type::Kind::kTuple);
  assert(ok);
  return ok ? rep_->elems : EmptyValues();
}

const std::map<std::string, Value>& Value::MapElements() const {
  assert(VPCEP_HAS_KIND(Type::Kind::kMap));
  return VPCEP_HAS_KIND(Type::Kind::kMap) ? rep_->attrs : EmptyValueMap();
}

const std::map<std::string, Value>& Value::Attributes() const {
  assert(VPCEP_HAS_KIND(Type::Kind::kObject));
  return VPCEP_HAS_KIND(Type::Kind::kObject) ? rep_->attrs : EmptyValueMap();
}

const Value& Value::Attr(std::string_view name) const {
  if (!VPCEP_HAS_KIND(Type::Kind::kObject)) return NullDynamic();
  auto it = rep_->attrs.find(std::string(name));
  return it == rep_->attrs.end() ? NullDynamic() : it->second;
}

Value Value::WithAttr(std::string_view name, Value v) const {
  assert(VPCEP_HAS_KIND(Type::Kind::kObject));
  if (!VPCEP_HAS_KIND(Type::Kind::kObject)) return *this;
  std::map<std::string, Type> types = rep_->type.attributes();
  std::map<std::string, Value> attrs = rep_->attrs;
  const std::string key(name);
  auto declared = types.find(key);
  if (declared != types.end()) {
    v = Adopt(std::move(v), declared->second);
    // A Dynamic attribute accepts any value and stays Dynamic.
    if (!declared->second.is_dynamic() && v.type() != declared->second) {
      declared->second = v.type();
    }
  } else {
    types.emplace(key, v.type());
  }
  attrs[key] = std::move(v);
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Object(std::move(types));
  rep->state = State::kKnown;
  rep->wholly_known = AllWhollyKnown(attrs);
  rep->attrs = std::move(attrs);
  return Value(std::move(rep));
}

#undef VPCEP_HAS_KIND

int Value::Compare(const Value& a, const Value& b) {
  if (a.rep_ == b.rep_) return 0;
  if (a.type() != b.type()) return Sign(a.type().ToJson().compare(b.type().ToJson()));
  const int rank_a = StateRank(a);
  const int rank_b = StateRank(b);
  if (rank_a != rank_b) return rank_a < rank_b ? -1 : 1;
  if (rank_a != 1) return 0;  // both null or both unknown, of the same type
  const Rep& x = *a.rep_;
  const Rep& y = *b.rep_;
  switch (x.type.kind()) {
    case Type::Kind::kString:
      return Sign(x.str.compare(y.str));
    case Type::Kind::kBool:
      return static_cast<int>(x.b) - static_cast<int>(y.b);
    case Type::Kind::kNumber: {
      auto rank = [](NumKind k) {
        return k == NumKind::kNegInf ? 0 : k == NumKind::kPosInf ? 2 : 1;
      };
      if (rank(x.num) != rank(y.num)) return rank(x.num) < rank(y.num) ? -1 : 1;
      if (rank(x.num) != 1) return 0;
      if (x.num == NumKind::kInt && y.num == NumKind::kInt) {
        return x.i < y.i ? -1 : (x.i > y.i ? 1 : 0);
      }
      return CompareDecimalText(a.NumberText(), b.NumberText());
    }
    case Type::Kind::kList:
    case Type::Kind::kSet:
    case Type::Kind::kTuple: {
      const size_t n = std::min(x.elems.size(), y.elems.size());
      for (size_t i = 0; i < n; ++i) {
        if (int c = Compare(x.elems[i], y.elems[i]); c != 0) return c;
      }
      if (x.elems.size() != y.elems.size()) return x.elems.size() < y.elems.size() ? -1 : 1;
      return 0;
    }
    case Type::Kind::kMap:
    case Type::Kind::kObject: {
      auto i = x.attrs.begin();
      auto j = y.attrs.begin();
      for (; i != x.attrs.end() && j != y.attrs.end(); ++i, ++j) {
        if (int c = Sign(i->first.compare(j->first)); c != 0) return c;
        if (int c = Compare(i->second, j->second); c != 0) return c;
      }
      if (x.attrs.size() != y.attrs.size()) return x.attrs.size() < y.attrs.size() ? -1 : 1;
      return 0;
    }
    case Type::Kind::kDynamic:
      return 0;  // a known value never has Dynamic type
  }
  return 0;
}

bool Value::Equals(const Value& o) const { return Compare(*this, o) == 0; }

std::string Value::DebugString() const {
  if (is_null()) return absl::StrCat("null(", type().FriendlyName(), ")");
  if (!is_known()) return absl::StrCat("unknown(", type().FriendlyName(), ")");
  const Rep& r = *rep_;
  auto join = [](const std::vector<Value>& values) {
    std::string out;
    for (const Value& v : values) {
      if (!out.empty()) out += ", ";
      out += v.DebugString();
    }
    return out;
  };
  switch (r.type.kind()) {
    case Type::Kind::kString:
      return Quote(r.str);
    case Type::Kind::kNumber:
      return NumberText();
    case Type::Kind::kBool:
      return r.b ? "true" : "false";
    case Type::Kind::kList:
      return absl::StrCat("[", join(r.elems), "]");
    case Type::Kind::kSet:
      return absl::StrCat("set[", join(r.elems), "]");
    case Type::Kind::kTuple:
      return absl::StrCat("tuple[", join(r.elems), "]");
    case Type::Kind::kMap:
    case Type::Kind::kObject: {
      const bool is_map = r.type.kind() == Type::Kind::kMap;
      std::string out = is_map ? "map{" : "{";
      bool first = true;
      for (const auto& [name, v] : r.attrs) {
        if (!first) out += ", ";
        first = false;
        absl::StrAppend(&out, is_map ? Quote(name) : name, is_map ? ": " : " = ", v.DebugString());
      }
      return out + "}";
    }
    case Type::Kind::kDynamic:
      break;
  }
  return "?";
}

bool operator==(const Value& a, const Value& b) { return a.Equals(b); }

void PrintTo(const Value& value, std::ostream* os) { *os << value.DebugString(); }

std::ostream& operator<<(std::ostream& os, const Value& value) { return os << value.DebugString(); }

}  // namespace vpcep::core
