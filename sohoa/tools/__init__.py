"""The only code in sohoa that starts another program.

Stage packages call these wrappers; nothing else imports ``subprocess``, ``pytesseract`` or
``pdf2image``. Each wrapper takes explicit keyword arguments, passes a timeout, and turns the
program's failures into :class:`sohoa.errors.ToolError` or :class:`sohoa.errors.ToolMissingError`.
"""
