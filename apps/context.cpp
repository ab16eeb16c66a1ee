#include "context.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

namespace qqt::cli {

void Context::write_out(std::string_view text) const {
  std::fwrite(text.data(), 1, text.size(), streams_.out);
  std::fflush(streams_.out);
}

void Context::write_err(std::string_view text) const noexcept {
  // The result is ignored on purpose: see the header.
  if (std::fwrite(text.data(), 1, text.size(), streams_.err) == text.size()) std::fflush(streams_.err);
  std::clearerr(streams_.err);
}

namespace {
bool is_terminal(std::FILE* f) {
  const int fd = ::fileno(f);
  return fd >= 0 && ::isatty(fd);
}
}  // namespace

bool Context::color_out() const {
  const char* no_color = std::getenv("NO_COLOR");
  return is_terminal(streams_.out) && !(no_color && *no_color);
}

bool Context::progress_err() const { return !globals_.quiet && is_terminal(streams_.err); }

ProgressBar::ProgressBar(const char* label, const Context& ctx)
    : label_(label), ctx_(ctx), enabled_(ctx.progress_err()), start_(std::chrono::steady_clock::now()) {
  if (const char* delay = std::getenv("QQT_PROGRESS_DELAY")) delay_s_ = std::strtod(delay, nullptr);
}

void ProgressBar::finish() {
  if (enabled_ && drawn_) ctx_.write_err("\r\033[K");
  drawn_ = false;
  enabled_ = false;
}

void ProgressBar::update(long long done, long long total) {
  if (!enabled_ || total <= 0) return;
  if (!drawn_ && std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() < delay_s_) return;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * done / total);
  ctx_.write_err(fmt::format("\rqqt: {} [{}{}] {}/{}", label_, std::string(static_cast<std::size_t>(filled), '#'),
                             std::string(static_cast<std::size_t>(kWidth - filled), '.'), done, total));
  drawn_ = true;
}

}  // namespace qqt::cli
