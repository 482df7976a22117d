"""The GUID's files, grouped Invoices / Attachments, checkable, drag to reorder; invoice
rows show what is on the invoice and what is wrong with it."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from fps_desktop.documents.models import CachedFile, FileRole
from fps_desktop.formats.problems import Problem
from fps_desktop.invoices.kinds import kind_of
from fps_desktop.invoices.listing import InvoiceList, InvoiceRow, row_notes

FileRoleData = Qt.ItemDataRole.UserRole + 1
RED = QColor("#b00020")
AMBER = QColor("#8a4b00")


class _Group(QListWidget):
    """One group's files; drag with the mouse or Alt+Up / Alt+Down to reorder."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        for keys, step in (("Alt+Up", -1), ("Alt+Down", 1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda step=step: self.move_current(step))
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)  # invoice numbers sit at the start
        self.setWordWrap(True)  # a reason why a file cannot print stays readable
        self.setResizeMode(QListWidget.ResizeMode.Adjust)  # rows re-wrap when the pane resizes

    def move_current(self, step: int) -> None:
        """Move the current file ``step`` rows, as a drag would."""
        row = self.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.count():
            return
        destination = target + 1 if step > 0 else target
        self.model().moveRow(QModelIndex(), row, QModelIndex(), destination)
        self.setCurrentRow(target)


class FileList(QWidget):
    """Emits ``changed`` when the selection or order changes, ``activated`` on a click,
    ``correct_requested`` when the clerk presses F2 on a file to type its invoice values."""

    changed = Signal()
    activated = Signal(object)  # CachedFile
    correct_requested = Signal(object)  # CachedFile

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.groups: dict[FileRole, _Group] = {}
        self.headers: dict[FileRole, QLabel] = {}
        self.listing: InvoiceList | None = None
        self.blurred: dict[str, int] = {}  # pictures that may print blurred: name -> dpi
        for role in FileRole:
            header = QLabel(self)
            header.setStyleSheet("font-weight: 600; padding: 6px 4px 2px 4px;")
            header.setWordWrap(True)  # the sum and "2 invoices need a look" stay readable
            group = _Group(self)
            group.itemChanged.connect(lambda *_: self.changed.emit())
            group.model().rowsMoved.connect(lambda *_: self.changed.emit())
            group.itemClicked.connect(lambda item: self.activated.emit(item.data(FileRoleData)))
            edit = QShortcut(QKeySequence(Qt.Key.Key_F2), group)
            edit.setContext(Qt.ShortcutContext.WidgetShortcut)
            edit.activated.connect(lambda group=group: self._correct_current(group))
            layout.addWidget(header)
            layout.addWidget(group, 3 if role == FileRole.INVOICE else 1)  # invoices say more
            self.groups[role] = group
            self.headers[role] = header
        self._update_headers()

    def _correct_current(self, group: _Group) -> None:
        """Any file once fields are read: a photo among the attachments may be a receipt."""
        entry = group.currentItem()
        if entry is not None and self.listing is not None:
            self.correct_requested.emit(entry.data(FileRoleData))

    def row_of(self, item: CachedFile) -> InvoiceRow | None:
        """The invoice read from ``item``, once the fields are read and if it holds one."""
        if self.listing is None:
            return None
        return next((r for r in self.listing.rows if r.sha256 == item.sha256
                     and r.fields.file == item.name), None)  # fmt: skip

    def set_files(self, files: list[CachedFile]) -> None:
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.listing = None  # before the rows are built: they show this GUID's state only
        self.blurred = {}
        for group in self.groups.values():
            group.blockSignals(True)
            group.clear()
        for item in files:
            row = QListWidgetItem()
            row.setData(FileRoleData, item)
            self._show_state(row, item, warning)
            self.groups[item.role].addItem(row)
        for group in self.groups.values():
            group.blockSignals(False)
        self._update_headers()
        self.changed.emit()

    def take_verdicts(self, files: list[CachedFile]) -> None:
        """Files shown while still examined take their verdicts, in place: the rows keep
        their order and ticks; a file proved printable is ticked, a refused one says why."""
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        verdicts = {f.file_id: f for f in files if not f.examining}
        ticked = False
        for group in self.groups.values():
            group.blockSignals(True)
            for index in range(group.count()):
                row = group.item(index)
                item = row.data(FileRoleData)
                verdict = verdicts.get(item.file_id)
                if item.examining and verdict is not None:
                    item.examining, item.pages = False, verdict.pages
                    item.problem, item.problem_params = verdict.problem, verdict.problem_params
                    item.problem_kind = verdict.problem_kind
                    self._show_state(row, item, warning)
                    ticked |= item.printable
            group.blockSignals(False)
        if ticked:
            self.changed.emit()

    def _show_state(self, row: QListWidgetItem, item: CachedFile, warning) -> None:
        row.setText(self._label(item))
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        flags |= Qt.ItemFlag.ItemIsDragEnabled
        row.setToolTip(self._tooltip(item))
        if item.printable:
            row.setFlags(flags | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(Qt.CheckState.Checked)
        elif item.is_data or item.examining:  # XML: read for its fields, nothing to print
            row.setFlags(flags)
        else:
            row.setFlags(flags)
            row.setIcon(warning)
            row.setForeground(RED)

    def set_blurred(self, blurred: dict[str, int]) -> None:
        """Mark the pictures that print below 200 dpi (name -> the dpi they print at)."""
        self.blurred = blurred
        for group in self.groups.values():
            group.blockSignals(True)  # the text changes, not the choice: nothing to re-render
            for index in range(group.count()):
                entry = group.item(index)
                item = entry.data(FileRoleData)
                if item.name not in blurred:
                    continue
                row = self.row_of(item)
                if row is not None:
                    self._show_fields(entry, row)
                else:
                    entry.setText(self._label(item))
                    entry.setToolTip(self._tooltip(item))
            group.blockSignals(False)

    def _tooltip(self, item: CachedFile, fields: list[str] = ()) -> str:
        """Built whole from the row's state each time, so reading the fields again (after
        F2) or marking a picture never repeats a line: the file, or all of why it cannot
        print; the invoice's ``fields`` lines; and the blur note."""
        head = (self._label(item) if item.printable or item.examining
                else item.problem_error().translated(QCoreApplication.translate))  # fmt: skip
        blur = [self._blur_note(item)] if item.name in self.blurred else []
        return "\n".join([head, *fields, *blur])

    def _blur_note(self, item: CachedFile) -> str:
        return self.tr("prints at {dpi} dpi — may be blurred").format(dpi=self.blurred[item.name])

    def uncheck(self, names: set[str]) -> None:
        """Untick these files: another form of an invoice that prints already."""
        for group in self.groups.values():
            for index in range(group.count()):
                entry = group.item(index)
                if entry.data(FileRoleData).name in names:
                    entry.setCheckState(Qt.CheckState.Unchecked)

    def set_invoices(self, listing: InvoiceList) -> None:
        """Add number, date, seller and total under each invoice file; flag what is wrong."""
        self.listing = listing
        by_name = {row.fields.file: row for row in listing.rows}
        for group in self.groups.values():
            group.blockSignals(True)  # the text changes, not the choice: nothing to re-render
            for index in range(group.count()):
                entry = group.item(index)
                row = by_name.get(entry.data(FileRoleData).name)
                if row is not None:
                    self._show_fields(entry, row)
            group.blockSignals(False)
            group.doItemsLayout()  # rows grew: measure them again, or their notes are cut
        self._update_headers()

    def _show_fields(self, entry: QListWidgetItem, row: InvoiceRow) -> None:
        f = row.fields
        lines = [self._label(entry.data(FileRoleData))]
        if f.number or f.total:
            what = kind_of(f.kind)
            lines.append(self.tr("{kind} · No. {number} · {date}").format(
                kind=QCoreApplication.translate("Invoices", what.label),
                number=f.number or "?", date=f.date or "?"))  # fmt: skip
            who = " · ".join(p for p in (f.passenger, f.trip) if p) if what.ticket else f.seller
            lines.append(f"{who or '?'} · " + money(f.total))
        notes = [QCoreApplication.translate("Invoices", template).format(**params)
                 for template, params in row_notes(row)]  # fmt: skip
        if row.counted and f.needs_look and not f.from_ocr:  # the OCR's note says it already
            notes.append(self.tr("Needs a look: press F2 to type the number, date and total"))
        lines.extend("⚠ " + note for note in notes)
        entry.setText("\n".join(lines))
        entry.setToolTip(self._tooltip(entry.data(FileRoleData), lines[1:]))  # the full reason
        entry.setSizeHint(self._fitting(entry))
        if row.is_duplicate:
            entry.setForeground(RED)
            entry.setBackground(QBrush(QColor("#fdecee")))
        elif f.red_letter or row.buyer_problem:
            entry.setForeground(RED)
        elif notes:
            entry.setForeground(AMBER)

    def _fitting(self, entry: QListWidgetItem) -> QSize:
        """Room for every line: Chinese lines are taller than the list measures them."""
        group = entry.listWidget()
        width = group.viewport().width() - 40  # the check box and its margins
        bounds = group.fontMetrics().boundingRect(
            QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, entry.text()
        )
        return QSize(width, bounds.height() + 4 * (entry.text().count("\n") + 1))

    def _label(self, item: CachedFile) -> str:
        if item.examining:  # a file that takes long to read: its verdict follows
            return self.tr("{name}\nexamining…").format(name=item.name)
        if item.is_data:
            return self.tr("{name} · invoice data, nothing to print").format(name=item.name)
        if not item.printable:  # the row says why in a few words; the tooltip says it all
            kind = item.problem_kind
            reason = (
                QCoreApplication.translate("FpsError", Problem(kind).label) if kind
                else item.problem_error().translated(QCoreApplication.translate)
            )  # fmt: skip
            label = QCoreApplication.translate("FileList", "{name}\ncannot be printed: {reason}")
            return label.format(name=item.name, reason=reason)
        label = self.tr("{name} · %n page(s)", "", item.pages).format(name=item.name)
        if item.name in self.blurred:  # a small mark; the tooltip says what it means
            label += " · ◔ " + self.tr("{dpi} dpi").format(dpi=self.blurred[item.name])
        return label

    def selected_files(self) -> list[CachedFile]:
        """Checked files in the order shown: invoices first, then attachments."""
        chosen = []
        for role in FileRole:
            group = self.groups[role]
            for row in range(group.count()):
                item = group.item(row)
                if item.checkState() == Qt.CheckState.Checked:
                    chosen.append(item.data(FileRoleData))
        return chosen

    def _update_headers(self) -> None:
        titles = {
            FileRole.INVOICE: self.tr("Invoices"),
            FileRole.ATTACHMENT: self.tr("Attachments"),
        }
        for role, header in self.headers.items():
            count = self.groups[role].count()
            if role == FileRole.INVOICE and self.listing is not None:
                count = self.listing.count  # invoices, not files: PDF + OFD + XML is one
            text = self.tr("{title} ({count})").format(title=titles[role], count=count)
            if role == FileRole.INVOICE and self.listing is not None and self.listing.rows:
                text += " · " + self.tr("total {amount}").format(amount=money(
                    str(self.listing.total)))  # fmt: skip
                if unread := len(self.listing.needing_look):  # a line of its own, never cut
                    text += "\n" + self.tr("%n invoice(s) need a look", "", unread)
            header.setText(text)


def money(amount: str) -> str:
    """``1280.00`` as ``¥1,280.00``; ``?`` when the invoice did not say."""
    return f"¥{Decimal(amount):,.2f}" if amount else "¥?"
