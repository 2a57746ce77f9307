"""The budget one inbox file is read within: pages, decoded pixels, drawing work and time.

A hostile or broken file must cost a bounded amount of a worker, once: a "billion laughs" PDF
(forms drawing forms), pages sharing one heavy content stream, a 400-megapixel image inside a
PDF. Each is charged here *before* the work is done, so the file is refused rather than decoded
or rendered; past its budget the file is quarantined with reason ``budget_exceeded`` (one page
image over the page limit: ``image_too_large``; poppler timing out on a page: ``tool_timeout``),
and the quarantine entry says so, so the next run need not try it again.
"""

from __future__ import annotations

import time

from configs.scanner_schema import IntakeSettings
from sohoa.errors import InputFileError


class BudgetExceeded(InputFileError):
    """Reading the file would cost more than its budget (pages, pixels, drawing work or time)."""

    reason = "budget_exceeded"
    message_vi = "Tệp vượt quá giới hạn xử lý (số trang, kích thước ảnh hoặc thời gian): cần kiểm tra."


class ToolTimeout(InputFileError):
    """A program reading the file (poppler, jbig2dec) ran out of time on it: the file, not the run, is at fault."""

    reason = "tool_timeout"
    message_vi = "Chương trình đọc tệp bị quá thời gian trên tệp này: tệp cần được kiểm tra."


def too_large() -> InputFileError:
    """The error for one page image over the page pixel limit."""
    return InputFileError("the image is too large to be a scanned page", reason="image_too_large",
                          message_vi="Ảnh quá lớn, không phải trang quét hợp lệ.")


class Budget:
    """What is left of one file's budget; each ``charge_*`` raises once the file is over it."""

    def __init__(self, limits: IntakeSettings | None = None) -> None:
        self.limits = limits or IntakeSettings()
        self._deadline = time.monotonic() + self.limits.file_timeout
        self.pixels = 0
        self.drawing = 0

    def charge_pages(self, count: int) -> None:
        """The file has ``count`` pages."""
        if count > self.limits.max_pages:
            raise BudgetExceeded(f"the file has {count} pages, more than the {self.limits.max_pages} allowed")

    def charge_pixels(self, width: int, height: int) -> None:
        """One page image of ``width`` × ``height`` pixels is about to be decoded."""
        pixels = int(width) * int(height)
        if pixels > self.limits.max_page_pixels:
            raise too_large()
        self.pixels += pixels
        if self.pixels > self.limits.max_file_pixels:
            raise BudgetExceeded("the file's page images hold more pixels than its budget")

    def charge_drawing(self, size: int) -> None:
        """A page whose drawing instructions (expanded) take ``size`` bytes is about to be rendered."""
        self.drawing += size
        if self.drawing > self.limits.max_drawing_bytes:
            raise BudgetExceeded("the file's pages hold more drawing work than its budget "
                                 "(content drawn again and again)")

    def remaining(self) -> float:
        """Seconds left for this file."""
        return self._deadline - time.monotonic()

    def check_time(self) -> None:
        """Raise once the file's time is spent."""
        if self.remaining() <= 0:
            raise BudgetExceeded(f"reading the file took more than {self.limits.file_timeout:.0f} s")

    def tool_timeout(self) -> tuple[float, bool]:
        """The time a program may take on one page now, and whether that is the file's remaining time
        (a time-out then means the file's budget is spent) rather than the per-page limit."""
        self.check_time()
        left = self.remaining()
        if left < self.limits.render_timeout:
            return max(left, 0.1), True
        return self.limits.render_timeout, False
