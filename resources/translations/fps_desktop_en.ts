<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>FileList</name>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/file_list.py" line="259"/>
        <source>{name} · %n page(s)</source>
        <translation>
            <numerusform>{name} · %n page</numerusform>
            <numerusform>{name} · %n pages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/file_list.py" line="289"/>
        <source>%n invoice(s) need a look</source>
        <translation>
            <numerusform>%n invoice needs a look</numerusform>
            <numerusform>%n invoices need a look</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/main_window.py" line="396"/>
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/main_window.py" line="398"/>
        <source>%n cannot be printed</source>
        <translation>
            <numerusform>%n cannot be printed</numerusform>
            <numerusform>%n cannot be printed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/main_window.py" line="591"/>
        <source>Printed: %n sheet(s)</source>
        <translation>
            <numerusform>Printed: %n sheet</numerusform>
            <numerusform>Printed: %n sheets</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/main_window.py" line="607"/>
        <source>%n invoice(s) of this GUID were claimed before:</source>
        <translation>
            <numerusform>%n invoice of this GUID was claimed before:</numerusform>
            <numerusform>%n invoices of this GUID were claimed before:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PrintDialog</name>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/print_dialog.py" line="86"/>
        <source>GUID {guid} · %n file(s)</source>
        <translation>
            <numerusform>GUID {guid} · %n file</numerusform>
            <numerusform>GUID {guid} · %n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/print_dialog.py" line="172"/>
        <source>%n invoice(s) need a look: values not read, or read by OCR and not yet confirmed (F2 in the window). The cover sheet marks them 待核.</source>
        <translation>
            <numerusform>%n invoice needs a look: values not read, or read by OCR and not yet confirmed (F2 in the window). The cover sheet marks it 待核.</numerusform>
            <numerusform>%n invoices need a look: values not read, or read by OCR and not yet confirmed (F2 in the window). The cover sheet marks them 待核.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/print_dialog.py" line="393"/>
        <source>%n sheet(s) of {paper}</source>
        <translation>
            <numerusform>%n sheet of {paper}</numerusform>
            <numerusform>%n sheets of {paper}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/print_dialog.py" line="396"/>
        <source>%n page(s) turned as in the viewer</source>
        <translation>
            <numerusform>%n page turned as in the viewer</numerusform>
            <numerusform>%n pages turned as in the viewer</numerusform>
        </translation>
    </message>
</context>
</TS>
