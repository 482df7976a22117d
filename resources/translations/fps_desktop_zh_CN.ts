<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <location filename="../../fps_desktop/ui/app.py" line="45"/>
        <source>Something went wrong. The details are in the log file; the app goes on.</source>
        <translation>出现了错误。详细信息已写入日志文件，程序会继续运行。</translation>
    </message>
</context>
<context>
    <name>Bridge</name>
    <message>
        <location filename="../../fps_desktop/ui/bridge.py" line="73"/>
        <source>Port {configured} is taken by another program, so FPS Desktop listens on {port}. GUIDs PBMS sends to port {configured} do not arrive: tell IT.</source>
        <translation>端口 {configured} 被其他程序占用，FPS Desktop 改在 {port} 端口接收。PBMS 发往 {configured} 端口的 GUID 收不到：请联系信息中心。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/bridge.py" line="84"/>
        <source>Ready for documents from PBMS on port {port}</source>
        <translation>已就绪，可在端口 {port} 接收 PBMS 推送的单据</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/bridge.py" line="103"/>
        <source>this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/bridge.py" line="103"/>
        <source>a fpsdesktop link</source>
        <translation>fpsdesktop 链接</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/bridge.py" line="143"/>
        <source>Open FPS Desktop</source>
        <translation>打开 FPS Desktop</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/bridge.py" line="144"/>
        <source>Recent GUIDs</source>
        <translation>最近的 GUID</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/bridge.py" line="147"/>
        <source>Pause receiving from PBMS</source>
        <translation>暂停接收 PBMS 推送</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/bridge.py" line="152"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/bridge.py" line="172"/>
        <source>not receiving from PBMS</source>
        <translation>未接收 PBMS 推送</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/bridge.py" line="174"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/bridge.py" line="176"/>
        <source>receiving from PBMS on port {port}</source>
        <translation>正在端口 {port} 接收 PBMS 推送</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/bridge.py" line="178"/>
        <source>not the port PBMS uses: tell IT</source>
        <translation>不是 PBMS 使用的端口：请联系信息中心</translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message>
        <location filename="../../fps_desktop/cli/__init__.py" line="67"/>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/cli/__init__.py" line="73"/>
        <source>unexpected failure ({kind}); details are in {log}</source>
        <translation>意外故障（{kind}）；详情见 {log}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/cli/upload.py" line="122"/>
        <source>task {task}: to {url}</source>
        <translation>任务 {task}：上传到 {url}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/cli/upload.py" line="139"/>
        <source>paused; carry on with: {command}</source>
        <translation>已暂停；继续请运行：{command}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/cli/upload.py" line="143"/>
        <source>failed: {name}: {reason}</source>
        <translation>失败：{name}：{reason}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/cli/upload.py" line="197"/>
        <source>{count} entries written to {file}</source>
        <translation>已写入 {count} 条到 {file}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/cli/upload.py" line="200"/>
        <source>Objects differing from the file uploaded (overwritten since?): {count}, for example {key}</source>
        <translation>与上传时文件不同的对象（之后被覆盖？）：{count} 个，例如 {key}</translation>
    </message>
</context>
<context>
    <name>ConnectionTest</name>
    <message>
        <location filename="../../fps_desktop/ui/connection_test.py" line="37"/>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/connection_test.py" line="41"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/connection_test.py" line="76"/>
        <source>Checking the connection…</source>
        <translation>正在检查连接…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/connection_test.py" line="83"/>
        <source>Connection test cancelled.</source>
        <translation>已取消连接测试。</translation>
    </message>
</context>
<context>
    <name>CorrectionDialog</name>
    <message>
        <location filename="../../fps_desktop/ui/correction_dialog.py" line="31"/>
        <source>Enter invoice values — {file}</source>
        <translation>填写发票信息 — {file}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/correction_dialog.py" line="35"/>
        <source>Type what the paper says. The values count in the sum, the cover sheet, the list and the duplicate check, marked as entered by you.</source>
        <translation>按纸面填写。所填的值计入合计、封面、清单和重复检查，并标明由您填写。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/correction_dialog.py" line="42"/>
        <source>(as read)</source>
        <translation>（按识别结果）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/correction_dialog.py" line="46"/>
        <source>Kind</source>
        <translation>票据类型</translation>
    </message>
</context>
<context>
    <name>ExportPanel</name>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="51"/>
        <source>Use TLS</source>
        <translation>使用 TLS 加密</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="56"/>
        <location filename="../../fps_desktop/ui/export_panel.py" line="62"/>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="58"/>
        <source>Host</source>
        <translation>主机</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="59"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="60"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="61"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="67"/>
        <source>Invoices (one JSON file each)</source>
        <translation>发票（每张一个 JSON 文件）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="68"/>
        <source>Basic data (currencies, types, codes)</source>
        <translation>基础数据（币种、发票类型、代码表）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="71"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="76"/>
        <source>Only what changed since the last export</source>
        <translation>仅导出上次导出后变更的数据（增量）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="77"/>
        <source>Compress (.json.gz)</source>
        <translation>压缩（.json.gz）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="78"/>
        <source>Dry run: count only, write nothing</source>
        <translation>试运行：只统计，不写入</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="81"/>
        <source>All tenants</source>
        <translation>全部租户</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="83"/>
        <source>No list</source>
        <translation>不生成清单</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="86"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="88"/>
        <source>What</source>
        <translation>导出内容</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="89"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="90"/>
        <source>Tenant</source>
        <translation>租户</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="91"/>
        <source>List of exported invoices</source>
        <translation>已导出发票清单</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="101"/>
        <source>Start export</source>
        <translation>开始导出</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="103"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="147"/>
        <source>Connected: {version}</source>
        <translation>连接成功：{version}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="195"/>
        <source>Cancelled; nothing was marked as exported.</source>
        <translation>已取消；没有任何数据被标记为已导出。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/export_panel.py" line="214"/>
        <source>Export folder</source>
        <translation>导出文件夹</translation>
    </message>
</context>
<context>
    <name>ExportSummary</name>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="27"/>
        <source>missing invoice number</source>
        <translation>缺少发票号码</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="28"/>
        <source>invalid issue date</source>
        <translation>开票日期无效</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="29"/>
        <source>text is not valid UTF-8</source>
        <translation>文本不是有效的 UTF-8</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="30"/>
        <source>cannot be written: {detail}</source>
        <translation>无法写入：{detail}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="86"/>
        <source>Groups</source>
        <translation>总分组数</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="87"/>
        <source>Succeeded groups</source>
        <translation>成功分组</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="88"/>
        <source>Failed groups</source>
        <translation>失败分组</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="89"/>
        <source>Empty groups</source>
        <translation>无数据分组</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="90"/>
        <source>Invoices</source>
        <translation>总发票数</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="91"/>
        <source>Files written</source>
        <translation>成功文件</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="92"/>
        <source>Failed files</source>
        <translation>失败文件</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="93"/>
        <source>Shared file names</source>
        <translation>共用文件名</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="94"/>
        <source>Moved aside</source>
        <translation>已移出（.removed）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="95"/>
        <source>Duration</source>
        <translation>总耗时</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="96"/>
        <source>Per invoice</source>
        <translation>平均每张发票处理时间</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="99"/>
        <source>Index</source>
        <translation>清单</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="101"/>
        <source>Held back by</source>
        <translation>被此事务拖住</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="105"/>
        <source>Skipped invoice id {id} (tenant {tenant}): {reason}</source>
        <translation>已跳过发票 id {id}（租户 {tenant}）：{reason}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="112"/>
        <source>Invoice id {id} (tenant {tenant}) shares its file name with another: {name}</source>
        <translation>发票 id {id}（租户 {tenant}）与另一张发票文件名相同，已另存为：{name}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="121"/>
        <source>... and {count} more rows (see the log)</source>
        <translation>……另有 {count} 行（详见日志）</translation>
    </message>
</context>
<context>
    <name>FileList</name>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="186"/>
        <source>prints at {dpi} dpi — may be blurred</source>
        <translation>打印分辨率 {dpi} dpi — 可能模糊</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="216"/>
        <source>{kind} · No. {number} · {date}</source>
        <translation>{kind} · 号码 {number} · {date}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="224"/>
        <source>Needs a look: press F2 to type the number, date and total</source>
        <translation>待核：按 F2 填写号码、日期和金额</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="248"/>
        <source>{name}
examining…</source>
        <translation>{name}
正在检查…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="250"/>
        <source>{name} · invoice data, nothing to print</source>
        <translation>{name} · 发票数据，无需打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="257"/>
        <source>{name}
cannot be printed: {reason}</source>
        <translation>{name}
无法打印：{reason}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/file_list.py" line="259"/>
        <source>{name} · %n page(s)</source>
        <translation>
            <numerusform>{name} · %n 页</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="261"/>
        <source>{dpi} dpi</source>
        <translation>{dpi} dpi</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="277"/>
        <source>Invoices</source>
        <translation>发票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="278"/>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="284"/>
        <source>{title} ({count})</source>
        <translation>{title}（{count}）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="286"/>
        <source>total {amount}</source>
        <translation>合计 {amount}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/file_list.py" line="289"/>
        <source>%n invoice(s) need a look</source>
        <translation>
            <numerusform>%n 张发票待核</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FpsError</name>
    <message>
        <location filename="../../fps_desktop/config.py" line="224"/>
        <source>Setting {key} cannot be “{value}”: allowed are {allowed}.</source>
        <translation>设置项 {key} 不能是“{value}”：允许的值为 {allowed}。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/config.py" line="227"/>
        <source>{file}: setting {key} cannot be “{value}”: allowed are {allowed}. It is ignored.</source>
        <translation>{file}：设置项 {key} 不能是“{value}”：允许的值为 {allowed}。此值已被忽略。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/config.py" line="294"/>
        <source>Setting {key} needs a value of type {kind}.</source>
        <translation>设置项 {key} 需要 {kind} 类型的值。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/config.py" line="414"/>
        <source>This computer has no password store (keyring), so the secret was not saved. Ask IT to enable one.</source>
        <translation>本机没有可用的密码存储（钥匙串），密钥未保存。请联系信息中心开启。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/storage.py" line="18"/>
        <source>The disk holding {where} is full. Free some space (or lower the cache size in Settings) and try again; nothing was lost.</source>
        <translation>{where} 所在磁盘已满。请释放空间（或在设置中调小缓存上限）后重试；没有任何数据丢失。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/storage.py" line="29"/>
        <source>FPS Desktop may not write {where}: it is open in another program, or you may not change it there. Close it, or choose another place, and try again.</source>
        <translation>FPS Desktop 无法写入 {where}：该文件正被其他程序打开，或您无权在该位置修改它。请关闭该文件或换一个位置，然后重试。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/demo.py" line="165"/>
        <source>The demo source only knows the sample GUIDs shown in the empty window.</source>
        <translation>演示数据源只包含空白窗口中列出的示例 GUID。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/guid.py" line="26"/>
        <source>“{text}” is not a document GUID. A GUID has 32 hexadecimal digits, for example c965be9f9c1d449d9e50fed330150d7a.</source>
        <translation>“{text}” 不是单据 GUID。GUID 由 32 位十六进制字符组成，例如 c965be9f9c1d449d9e50fed330150d7a。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/imposition.py" line="94"/>
        <source>“{text}” is not a layout: use auto, actual, fit, two-up, strips, paste or a grid of rows × columns from 1 to 10, like grid-2x2.</source>
        <translation>“{text}”不是版式：请用 auto、actual、fit、two-up、strips、paste，或 1 到 10 行 × 列的网格，如 grid-2x2。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/imposition.py" line="126"/>
        <source>“{name}” is not a paper size: use one of {names}.</source>
        <translation>“{name}”不是纸张尺寸：请用 {names} 之一。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/imposition.py" line="195"/>
        <source>“{text}” is not a page range of this document (pages 1 to {count}). Write it like 1-3, 5.</source>
        <translation>“{text}” 不是本文档的有效页码范围（第 1 至 {count} 页）。请按 1-3, 5 的格式填写。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/pdf.py" line="321"/>
        <source>{name} is empty (0 bytes).</source>
        <translation>{name} 是空文件（0 字节）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/images.py" line="175"/>
        <source>{name} is a damaged image: its header claims an impossible size. Ask the sender for the file again.</source>
        <translation>{name} 是损坏的图片：文件头声称的尺寸不可能存在。请让发送方重新提供文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/images.py" line="185"/>
        <source>{name} is too large to print ({width} × {height} pixels). Ask the sender for a smaller scan.</source>
        <translation>{name} 尺寸过大，无法打印（{width} × {height} 像素）。请让提交人提供较小的扫描件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/images.py" line="224"/>
        <source>{name} is a kind of image this station cannot print. Ask for a PDF, JPG or PNG instead.</source>
        <translation>{name} 是本工作站无法打印的图片格式。请索取 PDF、JPG 或 PNG 文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/images.py" line="244"/>
        <source>{name} is a damaged image or not an image at all. Ask the sender for the file again.</source>
        <translation>{name} 是损坏的图片，或根本不是图片。请让发送方重新提供文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/images.py" line="256"/>
        <source>{name} is incomplete: the picture is cut short (an interrupted download or copy). Ask the sender for the file again.</source>
        <translation>{name} 不完整：图片被截断（下载或复制中断）。请让发送方重新提供文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/images.py" line="269"/>
        <source>{name} is a damaged image and cannot be printed. Ask the sender for the file again.</source>
        <translation>{name} 是损坏的图片，无法打印。请让发送方重新提供文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/pdf.py" line="171"/>
        <source>{name} took too long to read (more than {seconds} s) and is left out. Ask the sender for the file again.</source>
        <translation>{name} 读取时间过长（超过 {seconds} 秒），已被略过。请让发送方重新提供文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/pdf.py" line="182"/>
        <source>{name} stopped the program that reads it (a damaged or hostile file) and cannot be printed. Ask the sender for the file again.</source>
        <translation>{name} 使读取它的程序中止（文件损坏或含恶意内容），无法打印。请让发送方重新提供文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/pdf.py" line="227"/>
        <source>{name} is too large when unpacked: it holds far more than it shows (a compression bomb?). Ask the sender for the file again.</source>
        <translation>{name} 解压后过大：其实际内容远超表面所见（疑似压缩炸弹）。请让发送方重新提供文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/pdf.py" line="237"/>
        <source>{name}: the seal could not be drawn — print it from an OFD reader.</source>
        <translation>{name}：印章无法绘制——请用 OFD 阅读器打印。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/pdf.py" line="330"/>
        <source>{name} is neither a PDF, an OFD nor a picture (JPG, PNG, TIFF, BMP, WebP, GIF, HEIC) and cannot be printed.</source>
        <translation>{name} 既不是 PDF、OFD，也不是图片（JPG、PNG、TIFF、BMP、WebP、GIF、HEIC），无法打印。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/pdf.py" line="349"/>
        <source>{name} is protected by a password. Ask the sender for an unprotected copy.</source>
        <translation>{name} 受密码保护。请让提交人提供未加密的文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/pdf.py" line="362"/>
        <source>{name} has no pages.</source>
        <translation>{name} 没有任何页面。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/pdf.py" line="384"/>
        <source>{name} holds a picture too large to print ({width} × {height} pixels). Ask the sender for a smaller scan.</source>
        <translation>{name} 含有过大的图片，无法打印（{width} × {height} 像素）。请让发送方提供较小的扫描件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/pdf.py" line="434"/>
        <source>{name} is incomplete: the PDF is cut short (an interrupted download or copy). Ask the sender for the file again.</source>
        <translation>{name} 不完整：PDF 被截断（下载或复制中断）。请让发送方重新提供文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/pdf.py" line="443"/>
        <source>{name} is a damaged PDF and cannot be printed. Ask the sender for the file again.</source>
        <translation>{name} 是损坏的 PDF，无法打印。请让发送方重新提供文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="45"/>
        <source>No folder for GUID {guid} under {root}.</source>
        <translation>在 {root} 下没有 GUID {guid} 对应的文件夹。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="63"/>
        <source>Refused a path outside the share.</source>
        <translation>已拒绝共享目录之外的路径。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="92"/>
        <source>The PBMS addresses are not set. Ask IT to fill them in Settings.</source>
        <translation>尚未设置 PBMS 地址。请联系信息中心在设置中填写。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="116"/>
        <source>PBMS answered with a web page instead of a file list. The address in Settings may be wrong, or a login page is in the way.</source>
        <translation>PBMS 返回的是网页而不是文件列表。可能是设置中的地址有误，或被登录页面拦截。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="125"/>
        <source>PBMS sent a file list we cannot read.</source>
        <translation>PBMS 返回的文件列表无法识别。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="157"/>
        <source>The download of {name} broke off. Try again in a moment.</source>
        <translation>{name} 下载中断，请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="181"/>
        <source>PBMS does not know this document (HTTP 404).</source>
        <translation>PBMS 中找不到该单据（HTTP 404）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="187"/>
        <source>PBMS refused access (HTTP {status}). Check the access token in Settings.</source>
        <translation>PBMS 拒绝访问（HTTP {status}）。请检查设置中的访问令牌。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="204"/>
        <source>PBMS did not answer in time. Check the network and try again.</source>
        <translation>PBMS 响应超时。请检查网络后重试。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="210"/>
        <source>PBMS is not working right now ({problem}). Try again later.</source>
        <translation>PBMS 暂时无法使用（{problem}）。请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="232"/>
        <source>No document folder is set. Choose one in Settings.</source>
        <translation>尚未设置单据文件夹。请在设置中选择。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/errors.py" line="78"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/spooler.py" line="59"/>
        <source>There is no printer called “{name}”.</source>
        <translation>没有名为“{name}”的打印机。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/spooler.py" line="133"/>
        <source>The printer could not be started. Is it switched on and connected?</source>
        <translation>无法启动打印机。请确认打印机已开机并已连接。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/bands.py" line="79"/>
        <source>Sheet {sheet} could not be drawn for the printer: a file on it is damaged or too large. Nothing after it was sent.</source>
        <translation>第 {sheet} 张无法为打印机绘制：其上的某个文件已损坏或过大。之后的内容均未发送。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/cli/listener.py" line="79"/>
        <source>The secret must have at least 16 characters.</source>
        <translation>密钥至少需要 16 个字符。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/cli/listener.py" line="143"/>
        <source>“{url}” is not an FPS Desktop link.</source>
        <translation>“{url}” 不是 FPS Desktop 链接。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/cli/upload.py" line="71"/>
        <location filename="../../fps_desktop/upload/uploader.py" line="156"/>
        <source>There is no upload task {task}.</source>
        <translation>没有编号为 {task} 的上传任务。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/cli/upload.py" line="85"/>
        <source>The upload command failed ({reason}); the details are in the log file.</source>
        <translation>上传命令失败（{reason}）；详细信息见日志文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/cli/upload.py" line="103"/>
        <source>Name the files or folders to upload.</source>
        <translation>请指定要上传的文件或文件夹。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/cli/upload.py" line="169"/>
        <source>Name one object key for the link.</source>
        <translation>请指定一个对象键以生成链接。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/db.py" line="93"/>
        <source>The database refused user {user}: wrong user name or password.</source>
        <translation>数据库拒绝了用户 {user}：用户名或密码错误。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/db.py" line="100"/>
        <source>Cannot reach the database at {host}:{port}. Is the server running and the address right?</source>
        <translation>无法连接数据库 {host}:{port}。请确认数据库服务已启动且地址正确。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/db.py" line="109"/>
        <source>The database {database} does not exist on {host}.</source>
        <translation>{host} 上不存在数据库 {database}。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/db.py" line="114"/>
        <source>A table the export needs is missing in {database} ({detail}). Check the table mapping in Settings.</source>
        <translation>数据库 {database} 中缺少导出所需的表（{detail}）。请检查设置中的表映射。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/db.py" line="124"/>
        <source>User {user} may not read the export tables. Ask the DBA for access.</source>
        <translation>用户 {user} 没有读取导出表的权限。请联系数据库管理员授权。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/db.py" line="131"/>
        <source>The database at {host}:{port} stopped answering (nothing for {seconds} s). Nothing was marked as exported; check the server and run the export again.</source>
        <translation>数据库 {host}:{port} 停止应答（{seconds} 秒无响应）。没有任何内容被标记为已导出；请检查服务器后重新运行导出。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/db.py" line="141"/>
        <source>The connection to the database was lost. Nothing was marked as exported; run the export again.</source>
        <translation>与数据库的连接已断开。没有任何数据被标记为已导出，请重新运行导出。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/db.py" line="149"/>
        <source>The database reported an error: {detail}</source>
        <translation>数据库报错：{detail}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/folders.py" line="48"/>
        <source>Cannot create the export folder {folder}: {reason}</source>
        <translation>无法创建导出文件夹 {folder}：{reason}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/mapping.py" line="38"/>
        <source>“{name}” in the export mapping is not a table or column name.</source>
        <translation>导出映射中的“{name}”不是有效的表名或列名。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/state.py" line="108"/>
        <source>Another export is running (process {pid}). Wait for it to finish.</source>
        <translation>另一个导出正在运行（进程 {pid}）。请等待其完成。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/state.py" line="123"/>
        <source>The export lock is contended.</source>
        <translation>导出锁被占用。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/state.py" line="149"/>
        <source>The disk holding {where} is full. Free some space and run the export again; nothing was marked as exported, so nothing is lost.</source>
        <translation>{where} 所在磁盘已满。请释放空间后重新运行导出；没有任何内容被标记为已导出，因此不会丢失数据。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/state.py" line="163"/>
        <source>Cannot write the export&apos;s state in {folder}: {reason}. Check that this user may write there; nothing was marked as exported.</source>
        <translation>无法在 {folder} 中写入导出状态：{reason}。请确认当前用户有写入权限；没有任何内容被标记为已导出。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/tables.py" line="259"/>
        <source>The Excel template {name} cannot be read.</source>
        <translation>无法读取 Excel 模板 {name}。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/listener/server.py" line="442"/>
        <source>Port {ports} is already used by another program, so PBMS cannot send documents. Close that program or ask IT to choose another port.</source>
        <translation>端口 {ports} 已被其他程序占用，PBMS 无法推送单据。请关闭该程序，或联系信息中心更换端口。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/listener/server.py" line="447"/>
        <source>Port {ports} is still held by the connections of an earlier run, so PBMS cannot send documents yet. Wait a minute and start FPS Desktop again.</source>
        <translation>端口 {ports} 仍被上一次运行的连接占用，PBMS 暂时无法发送单据。请等一分钟后重新启动 FPS Desktop。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/listener/server.py" line="452"/>
        <source>This computer does not let FPS Desktop listen on port {ports} (it may be reserved by the system), so PBMS cannot send documents. Ask IT to choose another port.</source>
        <translation>本机不允许 FPS Desktop 监听端口 {ports}（可能被系统保留），PBMS 无法发送单据。请联系 IT 更换端口。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/listener/server.py" line="457"/>
        <source>FPS Desktop cannot listen on port {ports}: the system says “{reason}”, so PBMS cannot send documents. Tell IT; the details are in the log file.</source>
        <translation>FPS Desktop 无法在端口 {ports} 上监听：系统提示“{reason}”，PBMS 无法推送单据。请联系信息中心，详情见日志文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="86"/>
        <source>OSS is not set up: enter the endpoint, bucket, AccessKey ID and secret in the upload settings.</source>
        <translation>尚未配置 OSS：请在上传设置中填写 Endpoint、Bucket、AccessKey ID 和密钥。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="172"/>
        <source>OSS answered {what} with something FPS Desktop cannot read ({reason}). A proxy or gateway between this computer and OSS may be changing the answers.</source>
        <translation>OSS 对 {what} 的应答无法被 FPS Desktop 读取（{reason}）。本机与 OSS 之间的代理或网关可能改动了应答。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/multipart.py" line="244"/>
        <source>The data OSS received did not match the file (CRC check failed).</source>
        <translation>OSS 收到的数据与文件不一致（CRC 校验失败）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="188"/>
        <source>Cannot reach OSS at {endpoint} ({reason}). The upload stopped; resume the task once the network and OSS are back, and it carries on where it stopped.</source>
        <translation>无法连接 OSS {endpoint}（{reason}）。上传已停止；网络和 OSS 恢复后继续该任务，它会从中断处接着上传。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="200"/>
        <source>The bucket {bucket} is in another region than the endpoint {endpoint}: OSS says to use {right}. Set the endpoint to {right} in the upload settings.</source>
        <translation>Bucket {bucket} 不在 Endpoint {endpoint} 所在的地域：OSS 指明应使用 {right}。请在上传设置中把 Endpoint 改为 {right}。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="212"/>
        <source>OSS does not know the AccessKey ID {key_id}. Check it in the upload settings.</source>
        <translation>OSS 不认识 AccessKey ID {key_id}，请在上传设置中检查。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="216"/>
        <source>OSS refused the AccessKey secret: it does not match the AccessKey ID {key_id}. Enter the secret again in the upload settings.</source>
        <translation>OSS 拒绝了 AccessKey 密钥：它与 AccessKey ID {key_id} 不匹配。请在上传设置中重新输入密钥。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="221"/>
        <source>There is no bucket {bucket} at {endpoint}. Check the bucket name and the endpoint (region).</source>
        <translation>{endpoint} 上没有名为 {bucket} 的 Bucket。请检查 Bucket 名称和 Endpoint（地域）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="226"/>
        <source>This computer&apos;s clock is more than 15 minutes off, so OSS refuses the request. Correct the date and time, then try again.</source>
        <translation>本机时钟偏差超过 15 分钟，OSS 拒绝了请求。请校正日期和时间后重试。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="231"/>
        <source>The AccessKey {key_id} has no permission for this in bucket {bucket}. Ask the OSS administrator for write access.</source>
        <translation>AccessKey {key_id} 在 Bucket {bucket} 中没有此操作的权限。请联系 OSS 管理员开通写入权限。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="236"/>
        <source>The server at {endpoint} does not support this OSS request; it may be a storage service that only imitates OSS.</source>
        <translation>{endpoint} 的服务器不支持此 OSS 请求；它可能只是模仿 OSS 的存储服务。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="241"/>
        <source>OSS answered 404: there is no such object or bucket {bucket}.</source>
        <translation>OSS 应答 404：对象或存储桶 {bucket} 不存在。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="244"/>
        <source>The temporary (STS) security token is invalid. Get a new one.</source>
        <translation>临时安全令牌（STS）无效，请重新获取。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="247"/>
        <source>The temporary (STS) security token has expired. Get a new one.</source>
        <translation>临时安全令牌（STS）已过期，请重新获取。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="257"/>
        <source>OSS answered {status} {code}: {detail}</source>
        <translation>OSS 返回 {status} {code}：{detail}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="298"/>
        <source>The data changed on the way to OSS every time it was sent (Content-MD5 or CRC check failed). Check the network, proxy or antivirus between here and OSS.</source>
        <translation>数据每次发往 OSS 时都在途中被改变（Content-MD5 或 CRC 校验失败）。请检查本机与 OSS 之间的网络、代理或杀毒软件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="358"/>
        <source>Cannot reach OSS at {endpoint} ({reason}). Check the endpoint, the network and any proxy, then test again.</source>
        <translation>无法连接 {endpoint} 上的 OSS（{reason}）。请检查 Endpoint、网络和代理，然后再测试。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="443"/>
        <source>The AccessKey {key_id} may not write to oss://{bucket}/{prefix}. Ask the OSS administrator for write access (oss:PutObject) there.</source>
        <translation>AccessKey {key_id} 无权写入 oss://{bucket}/{prefix}。请向 OSS 管理员申请该位置的写入权限（oss:PutObject）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/manifest.py" line="90"/>
        <source>Unknown manifest format {fmt}.</source>
        <translation>未知的清单格式 {fmt}。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/manifest.py" line="117"/>
        <source>A link lives between 1 and {most} minutes (7 days); {minutes} is outside.</source>
        <translation>链接有效期须在 1 到 {most} 分钟（7 天）之间；{minutes} 超出范围。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/tasks.py" line="42"/>
        <source>The prefix {prefix} is not allowed.</source>
        <translation>不允许使用前缀 {prefix}。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/tasks.py" line="99"/>
        <source>{path}: the name is not valid UTF-8 (as from an old Windows share); rename the file and upload it again.</source>
        <translation>{path}：文件名不是有效的 UTF-8（例如来自旧的 Windows 共享）；请重命名该文件后重新上传。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/tasks.py" line="147"/>
        <source>Nothing to upload: {paths} not found.</source>
        <translation>没有可上传的内容：找不到 {paths}。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/tasks.py" line="151"/>
        <source>Parts must be at least 100 KB.</source>
        <translation>分片大小至少为 100 KB。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/uploader.py" line="195"/>
        <source>The upload stopped because of an unexpected problem ({reason}). Resume the task to carry on; the details are in the log file.</source>
        <translation>上传因意外问题而停止（{reason}）。继续该任务即可接着上传；详细信息见日志文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/uploader.py" line="267"/>
        <source>Unexpected error; the details are in the log file.</source>
        <translation>发生意外错误，详细信息见日志文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/uploader.py" line="288"/>
        <source>{path} kept changing while it was uploaded, so it was not stored. Upload it again once the program writing it has finished.</source>
        <translation>{path} 在上传过程中一直在变化，因此未被保存。请等写入它的程序完成后再上传。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/sending.py" line="29"/>
        <source>Cannot read {path}: {reason}</source>
        <translation>无法读取 {path}：{reason}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/multipart.py" line="216"/>
        <source>OSS accepted part {number} of {key} without an ETag, which it always sends and which is needed to join the parts. A proxy or a storage service that only imitates OSS is in between.</source>
        <translation>OSS 接收了 {key} 的第 {number} 个分片，但应答中没有 ETag；OSS 总会发送 ETag，合并分片也需要它。中间有代理，或者对方只是模仿 OSS 的存储服务。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/cli/invoices.py" line="76"/>
        <source>The folder {folder} does not exist.</source>
        <translation>文件夹 {folder} 不存在。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/ofd/package.py" line="32"/>
        <source>The OFD file is too large to be an invoice.</source>
        <translation>OFD 文件过大，不像是发票。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/ofd/package.py" line="39"/>
        <source>The OFD file is damaged: it is not a valid package.</source>
        <translation>OFD 文件已损坏：不是有效的 OFD 包。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/ofd/package.py" line="43"/>
        <source>The OFD file holds too many parts to be an invoice.</source>
        <translation>OFD 文件包含的部件过多，不像是发票。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/ofd/package.py" line="52"/>
        <location filename="../../fps_desktop/formats/ofd/package.py" line="106"/>
        <source>The OFD file was refused: it holds a path leading outside it ({path}).</source>
        <translation>已拒绝该 OFD 文件：其中有指向包外的路径（{path}）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/ofd/package.py" line="68"/>
        <source>The OFD file is incomplete: {path} is missing.</source>
        <translation>OFD 文件不完整：缺少 {path}。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/ofd/package.py" line="78"/>
        <source>The OFD file is damaged ({path}).</source>
        <translation>OFD 文件已损坏（{path}）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/ofd/package.py" line="88"/>
        <source>The OFD file was refused: it unpacks to far more data than an invoice (a zip bomb?).</source>
        <translation>已拒绝该 OFD 文件：解压后的数据量远超发票应有的大小（可能是压缩炸弹）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/ofd/document.py" line="76"/>
        <source>This file is not an OFD document (no OFD.xml).</source>
        <translation>此文件不是 OFD 文档（缺少 OFD.xml）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/ofd/document.py" line="83"/>
        <source>The OFD file names no document to show.</source>
        <translation>OFD 文件中没有可显示的文档。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/ofd/painter.py" line="58"/>
        <source>The OFD file has no pages.</source>
        <translation>OFD 文件没有页面。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/ofd/painter.py" line="65"/>
        <source>The OFD file could not be drawn ({detail}).</source>
        <translation>无法绘制该 OFD 文件（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/register.py" line="134"/>
        <source>The register table name {table} is not valid.</source>
        <translation>发票登记表名 {table} 无效。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/register.py" line="156"/>
        <source>The invoice register {table} was upgraded by a newer FPS Desktop (version {found}; this one knows up to {known}). Update FPS Desktop on this computer; nothing was changed.</source>
        <translation>发票登记表 {table} 已由更新版本的 FPS Desktop 升级（版本 {found}；本程序最高支持 {known}）。请升级本电脑上的 FPS Desktop；未做任何改动。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/register.py" line="355"/>
        <source>The invoice register at {path} cannot be opened ({detail}). Duplicate checks are off until it can.</source>
        <translation>无法打开位于 {path} 的发票登记簿（{detail}）。在恢复之前，重复报销检查不可用。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/register.py" line="389"/>
        <source>User {user} may not create or use the invoice register tables {table} and {table}_schema in {database}. Ask the DBA to grant CREATE, SELECT, INSERT and UPDATE on them.</source>
        <translation>用户 {user} 无权在 {database} 中创建或使用发票登记表 {table} 和 {table}_schema。请数据库管理员授予这两张表的 CREATE、SELECT、INSERT 和 UPDATE 权限。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/xml.py" line="26"/>
        <source>The invoice XML is too large to be an invoice ({mb} MB).</source>
        <translation>发票 XML 过大（{mb} MB），不像是发票。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/xml.py" line="36"/>
        <source>The invoice XML was refused: it declares entities or a DTD, which invoices never need and attacks use.</source>
        <translation>已拒绝该发票 XML：其中声明了实体或 DTD，发票从不需要这些，而攻击常利用它们。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/xml.py" line="44"/>
        <source>The invoice XML is damaged and cannot be read ({detail}).</source>
        <translation>发票 XML 已损坏，无法读取（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/merge.py" line="65"/>
        <source>No file is selected.</source>
        <translation>未选择任何文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/merge.py" line="144"/>
        <source>{name} could not be added to the print (see the log).</source>
        <translation>{name} 无法加入打印（详见日志）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/merge.py" line="159"/>
        <source>None of the {count} selected files can be printed: {names}.</source>
        <translation>所选的 {count} 个文件都无法打印：{names}。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/problems.py" line="33"/>
        <source>empty file</source>
        <translation>空文件</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/problems.py" line="34"/>
        <source>damaged PDF</source>
        <translation>PDF 已损坏</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/problems.py" line="35"/>
        <source>damaged OFD file</source>
        <translation>OFD 文件已损坏</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/problems.py" line="36"/>
        <source>incomplete file</source>
        <translation>文件不完整</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/problems.py" line="37"/>
        <source>password-protected</source>
        <translation>有密码保护</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/problems.py" line="38"/>
        <source>damaged image</source>
        <translation>图片已损坏</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/problems.py" line="39"/>
        <source>unsupported format</source>
        <translation>不支持的格式</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/problems.py" line="40"/>
        <source>too large to print</source>
        <translation>过大无法打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/problems.py" line="41"/>
        <source>no pages</source>
        <translation>没有页面</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/problems.py" line="42"/>
        <source>seal not drawn</source>
        <translation>印章未绘出</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/problems.py" line="43"/>
        <source>too large when unpacked</source>
        <translation>解压后过大</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/problems.py" line="44"/>
        <source>took too long to read</source>
        <translation>读取时间过长</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/store.py" line="171"/>
        <source>The upload tasks in {path} were saved by a newer FPS Desktop. Update FPS Desktop to see them; nothing was changed.</source>
        <translation>{path} 中的上传任务由更新版本的 FPS Desktop 保存。请升级 FPS Desktop 后查看；未做任何改动。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/preview.py" line="48"/>
        <source>{names} could not be merged and cannot be printed.</source>
        <translation>{names} 无法合并，不能打印。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/demo_data.py" line="86"/>
        <source>The database {database} on {host} holds tables demo-db did not create ({tables}). Nothing was changed. Point DB_NAME at another database, or add --replace to drop and refill these tables.</source>
        <translation>{host} 上的数据库 {database} 含有不是 demo-db 创建的表（{tables}）。未做任何更改。请将 DB_NAME 指向其他数据库，或加上 --replace 删除并重新填充这些表。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/renderer.py" line="117"/>
        <source>{name}: this page could not be drawn.</source>
        <translation>{name}：此页无法显示。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/job.py" line="317"/>
        <source>The job on {printer} did not print: {reason}.</source>
        <translation>{printer} 上的打印任务未打印：{reason}。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/os_queue.py" line="74"/>
        <source>No printer is set up as the default. Choose a printer.</source>
        <translation>未设置默认打印机，请选择一台打印机。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/os_queue.py" line="120"/>
        <source>The print system refused the job for {printer}: {reason} ({detail}).</source>
        <translation>打印系统拒绝了发往 {printer} 的任务：{reason}（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/policy.py" line="49"/>
        <source>Not printed: claimed before, and printing them again was not confirmed: {files}.</source>
        <translation>未打印：以下发票已报销过，且未确认再次打印：{files}。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/policy.py" line="118"/>
        <source>The invoice list belongs to GUID {other}, the print to {guid}.</source>
        <translation>发票清单属于 GUID {other}，而打印的是 {guid}。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/corrections.py" line="36"/>
        <source>“{value}” is not an invoice code: 10 or 12 digits.</source>
        <translation>“{value}”不是发票代码：应为 10 或 12 位数字。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/corrections.py" line="37"/>
        <source>“{value}” is not an invoice number: digits only.</source>
        <translation>“{value}”不是发票号码：只能是数字。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/corrections.py" line="38"/>
        <source>“{value}” is not a date, such as 2025-01-08.</source>
        <translation>“{value}”不是日期，例如 2025-01-08。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/corrections.py" line="39"/>
        <source>“{value}” is not an amount, such as 100.00.</source>
        <translation>“{value}”不是金额，例如 100.00。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/audit.py" line="164"/>
        <source>The audit log {path} has entries from a newer FPS Desktop (version {found}; this one reads up to {known}). Update FPS Desktop to see the history; nothing was changed.</source>
        <translation>审计日志 {path} 含有更新版本的 FPS Desktop 写入的记录（版本 {found}；本程序最高可读 {known}）。请升级 FPS Desktop 后查看历史；未做任何改动。</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="34"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="34"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="34"/>
        <source>GUID</source>
        <translation>GUID</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="34"/>
        <source>From / printer</source>
        <translation>来源 / 打印机</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="35"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="42"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="67"/>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="103"/>
        <source>Copies: {copies}, files: {files}, layout: {layout}</source>
        <translation>份数：{copies}，文件：{files}，版式：{layout}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="76"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="70"/>
        <source>{changes}, entered by {by}</source>
        <translation>{changes}，{by} 录入</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="73"/>
        <source>Entered</source>
        <translation>录入</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="77"/>
        <source>An event this version does not know</source>
        <translation>此版本无法识别的事件</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="79"/>
        <source>Received</source>
        <translation>已接收</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="89"/>
        <source>this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="90"/>
        <source>a fpsdesktop link</source>
        <translation>fpsdesktop 链接</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="91"/>
        <source>no Origin header (a program or a page)</source>
        <translation>无 Origin 头（某个程序或网页）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="92"/>
        <source>many other web sites</source>
        <translation>其他多个网站</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="101"/>
        <source>Files: {files}</source>
        <translation>文件：{files}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="110"/>
        <source>{state} — {outcome}</source>
        <translation>{state}，{outcome}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="115"/>
        <source>— {count} more times, {first} to {last}</source>
        <translation>— 又重复 {count} 次，{first} 至 {last}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="123"/>
        <source>Print requested</source>
        <translation>请求打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="124"/>
        <source>Refused: malformed request</source>
        <translation>已拒绝：请求格式错误</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="126"/>
        <source>Refused: wrong address (a web page tried a trick)</source>
        <translation>已拒绝：地址不正确（网页试图欺骗）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="127"/>
        <source>Refused: web site not allowed</source>
        <translation>已拒绝：网站不在允许列表中</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="128"/>
        <source>Refused: not a valid GUID</source>
        <translation>已拒绝：不是有效的 GUID</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="129"/>
        <source>Refused: signing not set up on this computer</source>
        <translation>已拒绝：本机未设置签名密钥</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="130"/>
        <source>Refused: not signed</source>
        <translation>已拒绝：请求未签名</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="131"/>
        <source>Refused: signature expired (check the clocks)</source>
        <translation>已拒绝：签名已过期（请检查时钟）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="132"/>
        <source>Refused: wrong signature</source>
        <translation>已拒绝：签名错误</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="133"/>
        <source>Refused: sent twice (replayed)</source>
        <translation>已拒绝：重复发送（重放）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="134"/>
        <source>Refused: receiving was paused</source>
        <translation>已拒绝：接收已暂停</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="135"/>
        <source>Refused: printing from PBMS is off</source>
        <translation>已拒绝：未开启 PBMS 打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="136"/>
        <source>Refused: wrong kind of request for that address</source>
        <translation>已拒绝：该地址不接受此类请求</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="137"/>
        <source>Refused: too many requests in a minute</source>
        <translation>已拒绝：一分钟内请求过多</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="138"/>
        <source>Refused: ambiguous request (a header sent twice?)</source>
        <translation>已拒绝：请求有歧义（某个头重复发送？）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="139"/>
        <source>Refused: signed before FPS Desktop started</source>
        <translation>已拒绝：签名早于 FPS Desktop 启动时间</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="140"/>
        <source>Refused: signed pushes cannot be recorded on disk</source>
        <translation>已拒绝：无法在磁盘上记录签名推送</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="141"/>
        <source>Failed inside FPS Desktop (see the log)</source>
        <translation>FPS Desktop 内部出错（请查看日志）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/history_view.py" line="123"/>
        <source>Opened</source>
        <translation>已打开</translation>
    </message>
</context>
<context>
    <name>Invoices</name>
    <message>
        <location filename="../../fps_desktop/invoices/kinds.py" line="37"/>
        <source>Rail e-ticket</source>
        <translation>铁路电子客票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/kinds.py" line="39"/>
        <source>Air e-ticket itinerary</source>
        <translation>航空运输电子客票行程单</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/kinds.py" line="42"/>
        <source>Road toll</source>
        <translation>通行费发票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/kinds.py" line="44"/>
        <source>Medical receipt</source>
        <translation>医疗收费票据</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/kinds.py" line="46"/>
        <source>Fiscal e-receipt</source>
        <translation>财政电子票据</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/kinds.py" line="48"/>
        <source>Quota invoice</source>
        <translation>定额发票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/kinds.py" line="49"/>
        <source>Digital VAT special (数电专票)</source>
        <translation>数电专票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/kinds.py" line="52"/>
        <source>Digital ordinary (数电普票)</source>
        <translation>数电普票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/kinds.py" line="55"/>
        <source>Digital invoice (数电票)</source>
        <translation>数电票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/kinds.py" line="57"/>
        <source>VAT special invoice</source>
        <translation>增值税专用发票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/kinds.py" line="59"/>
        <source>VAT ordinary invoice</source>
        <translation>增值税普通发票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/kinds.py" line="62"/>
        <source>Taxi receipt</source>
        <translation>出租车票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/kinds.py" line="64"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/fields.py" line="39"/>
        <source>No text layer and no readable QR code (a scan?): fields are empty.</source>
        <translation>没有文字层，也没有可识别的二维码（扫描件？）：字段为空。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/fields.py" line="42"/>
        <source>Nothing on this file reads as an invoice.</source>
        <translation>此文件中没有可识别为发票的内容。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/fields.py" line="43"/>
        <source>No invoice number read from the picture: type it off the paper (F2).</source>
        <translation>未能从图片读出发票号码：请对照纸质票据录入（F2）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/listing.py" line="39"/>
        <source>The buyer is not the university.</source>
        <translation>购买方不是本单位。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/listing.py" line="144"/>
        <source>Duplicate: also in GUID {guid} ({file}), printed {printed} by {by}</source>
        <translation>重复：也在单据 {guid} 中（{file}），已于 {printed} 由 {by} 打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/listing.py" line="149"/>
        <source>Also in GUID {guid} ({file}), not printed there</source>
        <translation>也出现在 GUID {guid}（{file}）中，该处未打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/listing.py" line="152"/>
        <source>Duplicate: the same invoice as {file}</source>
        <translation>重复：与 {file} 是同一张发票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/listing.py" line="156"/>
        <source>Suspected: like {what} in GUID {guid}</source>
        <translation>疑似重复：与单据 {guid} 中的 {what} 相似</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/listing.py" line="160"/>
        <source>Red-letter invoice</source>
        <translation>红字发票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/listing.py" line="163"/>
        <source>Sources disagree on {field}: {values}</source>
        <translation>各来源的 {field} 不一致：{values}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/listing.py" line="167"/>
        <source>Amount {amount} + tax {tax} is not the total {total}: check the paper</source>
        <translation>金额 {amount} + 税额 {tax} 不等于价税合计 {total}：请核对原件</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/listing.py" line="171"/>
        <source>From OCR, check against the paper (F2): {values}</source>
        <translation>OCR 识别，请对照纸质票据核对（F2）：{values}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/listing.py" line="175"/>
        <source>Entered by {by}: {values}</source>
        <translation>{by} 手填：{values}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/listing.py" line="178"/>
        <source>Also here as {files}</source>
        <translation>本单据中另有 {files}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/formats/ofd/seal.py" line="16"/>
        <source>Seal could not be drawn — print it from an OFD reader.</source>
        <translation>无法绘制印章——请用 OFD 阅读器打印此文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/corrections.py" line="30"/>
        <source>Code (older invoices)</source>
        <translation>发票代码（旧版发票）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/corrections.py" line="31"/>
        <source>Number</source>
        <translation>发票号码</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/corrections.py" line="32"/>
        <source>Date</source>
        <translation>开票日期</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/corrections.py" line="33"/>
        <source>Total</source>
        <translation>价税合计</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/ocr.py" line="40"/>
        <source>No text layer and no readable QR code, and no OCR on this computer: type the values off the paper (F2).</source>
        <translation>没有文字层，也没有可读的二维码，本机无法使用 OCR：请对照纸质票据录入（F2）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/reader.py" line="57"/>
        <source>Too large once unpacked to read its fields: type them off the paper (F2).</source>
        <translation>解压后过大，无法读取字段：请照纸质发票录入（F2）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/reader.py" line="59"/>
        <source>Reading its fields took too long: type them off the paper (F2).</source>
        <translation>读取字段超时：请照纸质发票录入（F2）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/reader.py" line="61"/>
        <source>Its fields could not be read (a damaged file): type them off the paper (F2).</source>
        <translation>无法读取字段（文件已损坏）：请照纸质发票录入（F2）。</translation>
    </message>
</context>
<context>
    <name>JobList</name>
    <message>
        <location filename="../../fps_desktop/ui/job_list.py" line="41"/>
        <source>{rate}/s · {left} left</source>
        <translation>{rate}/秒 · 剩余 {left}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_list.py" line="97"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_list.py" line="98"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_list.py" line="99"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_list.py" line="100"/>
        <source>Clear finished</source>
        <translation>清除已完成</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_list.py" line="107"/>
        <source>Nothing yet. Opening, printing, exports and uploads are listed here.</source>
        <translation>暂无任务。打开、打印、导出和上传都会列在这里。</translation>
    </message>
</context>
<context>
    <name>JobQueue</name>
    <message>
        <location filename="../../fps_desktop/ui/job_queue.py" line="49"/>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_queue.py" line="50"/>
        <source>Running</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_queue.py" line="51"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_queue.py" line="52"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_queue.py" line="53"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_queue.py" line="54"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_queue.py" line="72"/>
        <source>Unexpected error; the details are in the log file.</source>
        <translation>发生意外错误，详细信息见日志文件。</translation>
    </message>
</context>
<context>
    <name>Jobs</name>
    <message>
        <location filename="../../fps_desktop/documents/workspace.py" line="32"/>
        <source>Files: {files} · pages: {pages}</source>
        <translation>{files} 个文件，共 {pages} 页</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/workspace.py" line="40"/>
        <source>Open {guid}</source>
        <translation>打开 {guid}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/workspace.py" line="82"/>
        <location filename="../../fps_desktop/printing/job.py" line="202"/>
        <source>Merge files ({count})</source>
        <translation>合并 {count} 个文件</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/jobs.py" line="34"/>
        <source>Export basic data</source>
        <translation>导出基础数据</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/jobs.py" line="43"/>
        <source>Demo database</source>
        <translation>演示数据库</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/jobs.py" line="28"/>
        <source>Export invoices</source>
        <translation>导出发票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="573"/>
        <source>Objects listed: {count}</source>
        <translation>已列出 {count} 个对象</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="578"/>
        <source>Export upload manifest</source>
        <translation>导出上传清单</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/job.py" line="291"/>
        <source>Print {guid}</source>
        <translation>打印 {guid}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/job.py" line="325"/>
        <source>Printed</source>
        <translation>已打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/job.py" line="327"/>
        <source>Held in the print queue: {reason}</source>
        <translation>在打印队列中被挂起：{reason}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/job.py" line="330"/>
        <source>In the print queue ({state})</source>
        <translation>在打印队列中（{state}）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/listing.py" line="296"/>
        <source>Invoices: {count} · duplicates: {duplicates}</source>
        <translation>{count} 张发票，{duplicates} 张重复</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/invoices/listing.py" line="304"/>
        <source>Read invoices of {guid}</source>
        <translation>读取 {guid} 的发票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/jobs.py" line="54"/>
        <source>Upload to OSS</source>
        <translation>上传到 OSS</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="485"/>
        <source>Export invoices of {guid}</source>
        <translation>导出 {guid} 的发票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="75"/>
        <source>Dry run finished (nothing written)</source>
        <translation>试运行完成（未写入任何文件）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/report.py" line="76"/>
        <source>Export finished</source>
        <translation>导出完成!</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/policy.py" line="213"/>
        <source>Print {guid} for PBMS</source>
        <translation>为 PBMS 打印 {guid}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/basic.py" line="66"/>
        <source>{count} files in {folder} ({seconds} s)</source>
        <translation>{count} 个文件，位于 {folder}（{seconds} 秒）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/export/demo_data.py" line="156"/>
        <source>{count} issued invoices in {database} ({seconds} s)</source>
        <translation>{count} 张已开发票，位于 {database}（{seconds} 秒）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/uploader.py" line="98"/>
        <source>Task {task}: {uploaded} uploaded, {already} already there ({saved} bytes saved), {failed} failed, of {files} files.</source>
        <translation>任务 {task}：共 {files} 个文件，已上传 {uploaded} 个，已存在 {already} 个（节省 {saved} 字节），失败 {failed} 个。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="115"/>
        <source>Document</source>
        <translation>单据</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="126"/>
        <source>Type or paste a document GUID</source>
        <translation>输入或粘贴单据 GUID</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="131"/>
        <source>GUID</source>
        <translation>GUID</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="136"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="139"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="144"/>
        <source>Merge &amp;&amp; Save</source>
        <translation>合并并保存</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="149"/>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="154"/>
        <source>Go to GUID box</source>
        <translation>转到 GUID 输入框</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="160"/>
        <source>Fit width</source>
        <translation>适合宽度</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="162"/>
        <source>Fit page</source>
        <translation>适合页面</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="163"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="164"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="245"/>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="253"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="258"/>
        <source>Export invoice list…</source>
        <translation>导出发票清单…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="261"/>
        <source>Open cache folder</source>
        <translation>打开缓存文件夹</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="262"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="264"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="267"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="271"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="272"/>
        <source>Invoice export…</source>
        <translation>发票数据导出…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="273"/>
        <source>Upload to OSS…</source>
        <translation>上传到 OSS…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="274"/>
        <source>History…</source>
        <translation>历史记录…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="275"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="276"/>
        <source>Open log folder</source>
        <translation>打开日志文件夹</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="277"/>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="295"/>
        <source>Could not open “{text}”: {reason}</source>
        <translation>无法打开“{text}”：{reason}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="308"/>
        <source>Sent by {origin}</source>
        <translation>由 {origin} 推送</translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/main_window.py" line="398"/>
        <source>%n cannot be printed</source>
        <translation>
            <numerusform>%n 个无法打印</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="434"/>
        <source>invoices total {amount}</source>
        <translation>发票合计 {amount}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="438"/>
        <source>Duplicates not checked: {reason}</source>
        <translation>未检查重复报销：{reason}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="475"/>
        <source>Export invoice list</source>
        <translation>导出发票清单</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="475"/>
        <source>Excel files (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="511"/>
        <source>Page {n} / {count}</source>
        <translation>第 {n} / {count} 页</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="305"/>
        <location filename="../../fps_desktop/ui/main_window.py" line="310"/>
        <source>Opening {guid}…</source>
        <translation>正在打开 {guid}…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="165"/>
        <source>Rotate right</source>
        <translation>向右旋转</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="166"/>
        <source>Rotate left</source>
        <translation>向左旋转</translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/main_window.py" line="396"/>
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n 个文件</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="556"/>
        <source>Save merged PDF</source>
        <translation>保存合并后的 PDF</translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/main_window.py" line="591"/>
        <source>Printed: %n sheet(s)</source>
        <translation>
            <numerusform>已打印：%n 张</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="596"/>
        <source>Print job {job} not printed yet ({state}): {reason}</source>
        <translation>打印任务 {job} 尚未打印（{state}）：{reason}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="606"/>
        <source>Invoice claimed before</source>
        <translation>发票已报销过</translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/main_window.py" line="607"/>
        <source>%n invoice(s) of this GUID were claimed before:</source>
        <translation>
            <numerusform>此 GUID 中有 %n 张发票已报销过：</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="610"/>
        <source>Print anyway? Your answer is written to the audit log.</source>
        <translation>仍要打印吗？您的选择将记入审计日志。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="611"/>
        <source>Print anyway</source>
        <translation>仍然打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="649"/>
        <source>Open a document GUID</source>
        <translation>打开单据 GUID</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="650"/>
        <source>Type or paste a GUID above, or let PBMS send one.</source>
        <translation>在上方输入或粘贴 GUID，或由 PBMS 推送。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="653"/>
        <source>Demo documents to try:</source>
        <translation>可以试用的演示单据：</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="689"/>
        <source>Could not open {guid}: {reason}</source>
        <translation>无法打开 {guid}：{reason}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="716"/>
        <source>{name} {version}
Finance Print Station</source>
        <translation>{name} {version}
财务打印工作站</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/panels.py" line="13"/>
        <source>Invoice export</source>
        <translation>发票数据导出</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/panels.py" line="19"/>
        <source>Upload to OSS</source>
        <translation>上传到 OSS</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/panels.py" line="24"/>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
</context>
<context>
    <name>OssAccess</name>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="384"/>
        <source>The key may upload but neither read object information nor list the bucket, so every file is sent, even one already at OSS. To skip those, ask the OSS administrator for oss:GetObject or oss:ListObjects.</source>
        <translation>该密钥可以上传，但既不能读取对象信息，也不能列举 Bucket，因此每个文件都会发送，即使 OSS 上已有。要跳过已有的文件，请向 OSS 管理员申请 oss:GetObject 或 oss:ListObjects 权限。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="391"/>
        <source>The key may not read object information (oss:GetObject), so files already at OSS are found through the listing only. Uploads work; ask the OSS administrator for oss:GetObject to have each file checked too.</source>
        <translation>该密钥不能读取对象信息（oss:GetObject），因此 OSS 上已有的文件只能通过列举发现。上传不受影响；如需逐个检查文件，请向 OSS 管理员申请 oss:GetObject 权限。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/client.py" line="398"/>
        <source>The key may not list the bucket (oss:ListObjects), so each file is checked with a request of its own, which is slow for many files. Uploads work; ask the OSS administrator for oss:ListObjects to make it faster.</source>
        <translation>该密钥不能列举 Bucket（oss:ListObjects），因此每个文件都要单独请求检查，文件多时较慢。上传不受影响；如需加快，请向 OSS 管理员申请 oss:ListObjects 权限。</translation>
    </message>
</context>
<context>
    <name>PageView</name>
    <message>
        <location filename="../../fps_desktop/ui/page_view.py" line="212"/>
        <source>This page cannot be shown: {reason}</source>
        <translation>此页无法显示：{reason}</translation>
    </message>
</context>
<context>
    <name>PrintDialog</name>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="104"/>
        <source>Actual size (shrink to fit only)</source>
        <translation>实际大小（仅在放不下时缩小）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="105"/>
        <source>Fit to page</source>
        <translation>适合页面</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="137"/>
        <source>Enhance photos (levels, sharpening)</source>
        <translation>增强照片（色阶、锐化）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="139"/>
        <source>Photos and scans print with white paper, black ink and crisp strokes; colours and red seals stay. PDFs print as they are.</source>
        <translation>照片和扫描件打印时纸面变白、字迹变黑、笔画清晰；颜色和红色印章保持不变。PDF 按原样打印。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="142"/>
        <source>Old printer: each sheet as one picture</source>
        <translation>旧打印机：每张纸作为一幅图片发送</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="144"/>
        <source>For printers that print PDFs wrongly or not at all: every sheet is sent as one 300 dpi picture.</source>
        <translation>适用于无法正确打印 PDF 的打印机：每张纸作为一幅 300 dpi 的图片发送。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/print_dialog.py" line="172"/>
        <source>%n invoice(s) need a look: values not read, or read by OCR and not yet confirmed (F2 in the window). The cover sheet marks them 待核.</source>
        <translation>
            <numerusform>%n 张发票待核：未识别出金额，或由 OCR 识别尚未确认（在主窗口按 F2）。封面上标为“待核”。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="184"/>
        <source>&amp;Printer</source>
        <translation>打印机(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="185"/>
        <source>&amp;Layout</source>
        <translation>版式(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="186"/>
        <source>&amp;Grid</source>
        <translation>网格(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="187"/>
        <source>Pap&amp;er</source>
        <translation>纸张(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="188"/>
        <source>&amp;Orientation</source>
        <translation>方向(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="190"/>
        <source>P&amp;ages</source>
        <translation>页码(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="191"/>
        <source>&amp;Copies</source>
        <translation>份数(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="209"/>
        <source>Previous sheet (Page Up)</source>
        <translation>上一张（Page Up）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="212"/>
        <source>Next sheet (Page Down)</source>
        <translation>下一张（Page Down）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="217"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="220"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="222"/>
        <source>Fit page</source>
        <translation>适合页面</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="238"/>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="351"/>
        <source>Left out because they cannot be printed: {names}</source>
        <translation>以下文件无法打印，已略过：{names}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="379"/>
        <source>Laying out…</source>
        <translation>正在排版…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/print_dialog.py" line="393"/>
        <source>%n sheet(s) of {paper}</source>
        <translation>
            <numerusform>共 %n 张 {paper}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/print_dialog.py" line="396"/>
        <source>%n page(s) turned as in the viewer</source>
        <translation>
            <numerusform>%n 页按查看器中的方向旋转打印</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="413"/>
        <source>May print blurred: {pictures}</source>
        <translation>可能打印模糊：{pictures}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="414"/>
        <source>{name} ({dpi} dpi)</source>
        <translation>{name}（{dpi} dpi）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="492"/>
        <source>printed at {percent} % of its size</source>
        <translation>按原尺寸的 {percent}% 打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="512"/>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="95"/>
        <source>Save as PDF file…</source>
        <translation>另存为 PDF 文件…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="73"/>
        <source>Print {guid}</source>
        <translation>打印 {guid}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/print_dialog.py" line="86"/>
        <source>GUID {guid} · %n file(s)</source>
        <translation>
            <numerusform>GUID {guid} · %n 个文件</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="103"/>
        <source>Automatic: fewest sheets, true size</source>
        <translation>自动：纸张最少，原尺寸</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="106"/>
        <source>Two invoices per sheet (cut line)</source>
        <translation>每张两张发票（裁切线）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="107"/>
        <source>Grid {rows} × {cols}</source>
        <translation>网格 {rows} × {cols}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="109"/>
        <source>Grid of rows × columns…</source>
        <translation>自定义网格（行 × 列）…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="110"/>
        <source>Reimbursement strips (cut lines)</source>
        <translation>报销条（裁切线）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="111"/>
        <source>Paste sheet (粘贴单)</source>
        <translation>粘贴单</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="115"/>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="115"/>
        <source>Columns</source>
        <translation>列数</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="129"/>
        <source>Portrait</source>
        <translation>纵向</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="130"/>
        <source>Landscape</source>
        <translation>横向</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="132"/>
        <source>All pages, or e.g. 1-3, 5</source>
        <translation>全部页面，或如 1-3, 5</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="135"/>
        <source>Print on both sides</source>
        <translation>双面打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="136"/>
        <source>Black and white</source>
        <translation>黑白打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="148"/>
        <source>Cover sheet first</source>
        <translation>先打印封面</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="150"/>
        <source>The GUID as a QR code, the invoice list, the sum and boxes for signatures</source>
        <translation>封面印有 GUID 二维码、发票清单、合计和签字栏</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="480"/>
        <source>Sheet {n} / {count}</source>
        <translation>第 {n} / {count} 张</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="512"/>
        <source>Save as PDF file</source>
        <translation>另存为 PDF 文件</translation>
    </message>
</context>
<context>
    <name>Printing</name>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="19"/>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="20"/>
        <source>printing</source>
        <translation>打印中</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="21"/>
        <source>held</source>
        <translation>已挂起</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="22"/>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="23"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="24"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="25"/>
        <source>refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="30"/>
        <source>the printer is paused</source>
        <translation>打印机已暂停</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="31"/>
        <source>the printer is not accepting jobs</source>
        <translation>打印机不接受任务</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="32"/>
        <source>the printer does not exist (any more)</source>
        <translation>打印机不存在（或已被删除）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="33"/>
        <location filename="../../fps_desktop/printing/queue_state.py" line="34"/>
        <source>out of paper</source>
        <translation>缺纸</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="35"/>
        <source>paper jam</source>
        <translation>卡纸</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="36"/>
        <source>out of toner</source>
        <translation>碳粉用尽</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="37"/>
        <source>out of toner or ink</source>
        <translation>碳粉或墨水用尽</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="38"/>
        <source>a door of the printer is open</source>
        <translation>打印机舱门未关</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="39"/>
        <source>the printer is offline</source>
        <translation>打印机离线</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="40"/>
        <source>the printer reports an error</source>
        <translation>打印机报告错误</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="41"/>
        <source>cancelled in the print queue</source>
        <translation>已在打印队列中取消</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/queue_state.py" line="42"/>
        <source>the print system does not answer</source>
        <translation>打印系统无响应</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/spooler.py" line="73"/>
        <source>This printer cannot print on both sides: every sheet prints on one side.</source>
        <translation>这台打印机不能双面打印：每张都将单面打印。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/printing/spooler.py" line="76"/>
        <source>This printer prints in black and white only.</source>
        <translation>这台打印机只能黑白打印。</translation>
    </message>
</context>
<context>
    <name>SecretEdit</name>
    <message>
        <location filename="../../fps_desktop/ui/secret_edit.py" line="48"/>
        <source>kept in the system keyring</source>
        <translation>保存在系统钥匙串中</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/secret_edit.py" line="50"/>
        <source>kept until FPS Desktop closes</source>
        <translation>仅保存到 FPS Desktop 关闭为止</translation>
    </message>
</context>
<context>
    <name>Secrets</name>
    <message>
        <location filename="../../fps_desktop/config.py" line="341"/>
        <source>Kept in the system password store (keyring), never in the settings file.</source>
        <translation>保存在系统密码库（keyring）中，不会写入设置文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/config.py" line="344"/>
        <source>This computer has no password store (keyring): the secret is kept only until FPS Desktop closes. Ask IT to enable one.</source>
        <translation>此电脑没有密码库（keyring）：密钥只保留到 FPS Desktop 关闭为止。请联系 IT 启用密码库。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="30"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="33"/>
        <source>Built-in demo documents</source>
        <translation>内置演示单据</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="34"/>
        <source>PBMS file service (HTTP)</source>
        <translation>PBMS 文件服务（HTTP）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="35"/>
        <source>Folder or network share</source>
        <translation>文件夹或网络共享</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="49"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="59"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="64"/>
        <source>Document source</source>
        <translation>单据来源</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="65"/>
        <source>PBMS file list URL</source>
        <translation>PBMS 文件列表地址</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="66"/>
        <source>PBMS download URL</source>
        <translation>PBMS 下载地址</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="67"/>
        <source>PBMS access token</source>
        <translation>PBMS 访问令牌</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="69"/>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="82"/>
        <source>Document folder</source>
        <translation>单据文件夹</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="70"/>
        <source>Cache size limit</source>
        <translation>缓存上限</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="71"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="72"/>
        <source>A new language applies after a restart.</source>
        <translation>更改语言后需重新启动程序。</translation>
    </message>
</context>
<context>
    <name>UploadPanel</name>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="67"/>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="68"/>
        <source>Uploading</source>
        <translation>上传中</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="69"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="70"/>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="71"/>
        <source>Finished with failures</source>
        <translation>已完成（有失败）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="72"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="73"/>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="75"/>
        <source>Interrupted (resume it)</source>
        <translation>已中断（可继续）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="243"/>
        <source>OSS account</source>
        <translation>OSS 账号</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="245"/>
        <source>Endpoint</source>
        <translation>Endpoint</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="246"/>
        <source>Bucket</source>
        <translation>Bucket</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="247"/>
        <source>AccessKey ID</source>
        <translation>AccessKey ID</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="248"/>
        <source>AccessKey secret</source>
        <translation>AccessKey 密钥</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="253"/>
        <source>Drop files or folders here</source>
        <translation>将文件或文件夹拖到这里</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="255"/>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="257"/>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="259"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="262"/>
        <source>folder in the bucket, e.g. 2024/scans</source>
        <translation>Bucket 中的目录，例如 2024/scans</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="263"/>
        <source>Pack everything into one ZIP first</source>
        <translation>先打包为一个 ZIP</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="264"/>
        <source>Start upload</source>
        <translation>开始上传</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="270"/>
        <source>New upload (drop files or folders)</source>
        <translation>新建上传（拖入文件或文件夹）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="274"/>
        <source>Prefix</source>
        <translation>前缀</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="532"/>
        <source>{time} left</source>
        <translation>剩余 {time}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="78"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="79"/>
        <source>Destination</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="80"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="81"/>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="82"/>
        <source>Bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="83"/>
        <source>Saved (instant)</source>
        <translation>秒传节省</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="84"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="293"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="295"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="297"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="299"/>
        <source>Retry failed</source>
        <translation>重试失败项</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="301"/>
        <source>Export manifest…</source>
        <translation>导出清单…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="316"/>
        <source>Failures of the selected task, with reasons</source>
        <translation>所选任务的失败项及原因</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="318"/>
        <source>object key, e.g. 2024/scans/a.pdf</source>
        <translation>对象键，例如 2024/scans/a.pdf</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="319"/>
        <source>Copy temporary link</source>
        <translation>复制临时链接</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="372"/>
        <source>Connected to bucket {bucket}.</source>
        <translation>已连接到 Bucket {bucket}。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="381"/>
        <source>Files to upload</source>
        <translation>要上传的文件</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="386"/>
        <source>Folder to upload</source>
        <translation>要上传的文件夹</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="399"/>
        <source>Add files or folders first.</source>
        <translation>请先添加文件或文件夹。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="535"/>
        <source>{files} of {total_files} files · {done} of {total} · {rate}/s · {left} · {saved} saved by instant upload · {failed} failed</source>
        <translation>文件 {files}/{total_files} · {done}/{total} · {rate}/秒 · {left} · 秒传节省 {saved} · 失败 {failed}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="556"/>
        <source>Export manifest</source>
        <translation>导出清单</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="558"/>
        <source>CSV (*.csv);;JSON (*.json)</source>
        <translation>CSV (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/upload_panel.py" line="594"/>
        <source>Link copied; it works for {minutes} minutes.</source>
        <translation>链接已复制，{minutes} 分钟内有效。</translation>
    </message>
</context>
<context>
    <name>UploadSummary</name>
    <message>
        <location filename="../../fps_desktop/upload/uploader.py" line="103"/>
        <source>Sent {bytes} bytes in {seconds} s.</source>
        <translation>用 {seconds} 秒发送了 {bytes} 字节。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/upload/uploader.py" line="104"/>
        <source>{bytes} bytes were already at OSS from the earlier run.</source>
        <translation>另有 {bytes} 字节已在上次运行时传到 OSS。</translation>
    </message>
</context>
</TS>
