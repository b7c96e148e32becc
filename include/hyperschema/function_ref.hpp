#pragma once

// A reference to a callable, without ownership or allocation (C++26's
// std::function_ref): what the generated helpers take for per-row callbacks,
// so that their bodies live in the generated .cpp instead of every file that
// includes the headers. Bind it to a callable that outlives the call, as a
// lambda written in the call's arguments does.

#include <functional>
#include <type_traits>
#include <utility>

namespace hyperschema {

template <class Signature>
class function_ref;

template <class R, class... Args>
class function_ref<R(Args...)> {
public:
    template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, function_ref> && std::is_invocable_v<F&, Args...>)
        function_ref(F&& f)
    noexcept  // NOLINT(google-explicit-constructor): it stands in for the callable
        : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
          call_([](void* object, Args... args) -> R {
              auto& callable = *static_cast<std::remove_reference_t<F>*>(object);
              if constexpr (std::is_void_v<R>) {
                  std::invoke(callable, std::forward<Args>(args)...);
              } else {
                  return std::invoke(callable, std::forward<Args>(args)...);
              }
          }) {}

    R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

private:
    void* object_;
    R (*call_)(void*, Args...);
};

}  // namespace hyperschema
