//===- TensorSpec.cpp - exact conversion of data into program types -------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/TensorSpec.h"
#include "DTypeDispatch.h"

#include <cstring>
#include <type_traits>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// The integers `spec` can hold.
struct IntRange {
  __int128 min;
  __int128 max;
};

IntRange getIntRange(const ElementSpec &spec) {
  if (isSignedDType(spec.storage))
    return {-(__int128(1) << (spec.bitWidth - 1)),
            (__int128(1) << (spec.bitWidth - 1)) - 1};
  return {0, (__int128(1) << spec.bitWidth) - 1};
}

std::string formatInt(__int128 value) {
  return value < 0 ? "-" + std::to_string(static_cast<uint64_t>(-value))
                   : std::to_string(static_cast<uint64_t>(value));
}

/// Converts every element from `From` to `To`; `isExact(from, to)` says
/// whether one conversion kept the value, `describe(from)` why not.
template <typename To, typename From, typename IsExact>
llvm::Expected<HostArray> convertLoop(const HostArray &array,
                                      const ElementSpec &spec, IsExact isExact,
                                      llvm::StringRef problem) {
  HostArray result(spec.storage, array.getShape());
  const char *in = array.getData();
  char *out = result.getData();
  for (int64_t i = 0, e = array.getNumElements(); i < e; ++i) {
    From from;
    std::memcpy(&from, in + i * sizeof(From), sizeof(From));
    To to = static_cast<To>(from);
    if (!isExact(from, to)) {
      std::string value;
      if constexpr (std::is_floating_point_v<From>)
        value = formatNumber(from);
      else
        value = formatInt(from);
      return llvm::createStringError("value " + value + " at " +
                                     formatIndex(array.getShape(), i) + " " +
                                     problem.str() + " " + spec.name);
    }
    std::memcpy(out + i * sizeof(To), &to, sizeof(To));
  }
  return result;
}

template <typename To, typename From>
llvm::Expected<HostArray> convertTyped(const HostArray &array,
                                       const ElementSpec &spec) {
  if constexpr (std::is_floating_point_v<To>) {
    if constexpr (std::is_floating_point_v<From>)
      return convertLoop<To, From>(
          array, spec, [](From, To) { return true; }, "");
    // long double holds every int64, uint64, float and double exactly.
    return convertLoop<To, From>(
        array, spec,
        [](From from, To to) {
          return static_cast<long double>(from) == static_cast<long double>(to);
        },
        "is not exactly representable as");
  } else {
    if constexpr (std::is_floating_point_v<From>) {
      return llvm::createStringError(
          llvm::Twine(getDTypeName(array.getDType())) +
          " data cannot feed integer elements (" + spec.name +
          "): store integers");
    } else {
      IntRange range = getIntRange(spec);
      std::string problem = "is outside the range [" + formatInt(range.min) +
                            ", " + formatInt(range.max) + "] of";
      return convertLoop<To, From>(
          array, spec,
          [&](From from, To) {
            return range.min <= __int128(from) && __int128(from) <= range.max;
          },
          problem);
    }
  }
}

/// Replaces the `unused` high bits of every element by copies of the sign
/// bit (signed) or zeros (unsigned).
template <typename T>
void canonicalizeTyped(HostArray &array, unsigned unused) {
  if (unused == 0)
    return;
  using U = std::make_unsigned_t<T>;
  char *data = array.getData();
  for (int64_t i = 0, e = array.getNumElements(); i < e; ++i) {
    T value;
    std::memcpy(&value, data + i * sizeof(T), sizeof(T));
    U bits = static_cast<U>(static_cast<U>(value) << unused);
    if constexpr (std::is_signed_v<T>)
      value = static_cast<T>(static_cast<T>(bits) >> unused);
    else
      value = static_cast<T>(bits >> unused);
    std::memcpy(data + i * sizeof(T), &value, sizeof(T));
  }
}

} // namespace

llvm::Expected<HostArray> mlir::qfhe::convertElements(HostArray array,
                                                      const ElementSpec &spec) {
  bool fullWidth = spec.bitWidth == 8 * getDTypeSize(spec.storage) &&
                   spec.storage != DType::Bool;
  if (array.getDType() == spec.storage && fullWidth)
    return array;
  return dispatchDType(spec.storage, [&](auto toTag) {
    return dispatchDType(array.getDType(), [&](auto fromTag) {
      return convertTyped<typename decltype(toTag)::type,
                          typename decltype(fromTag)::type>(array, spec);
    });
  });
}

void mlir::qfhe::canonicalizeElements(HostArray &array,
                                      const ElementSpec &spec) {
  dispatchDType(spec.storage, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<T>)
      canonicalizeTyped<T>(array, 8 * sizeof(T) - spec.bitWidth);
  });
}
