<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <location filename="../../fps_desktop/ui/app.py" line="52"/>
        <source>Something went wrong. The details are in the log file; the app goes on.</source>
        <translation>出现了错误。详细信息已写入日志文件，程序会继续运行。</translation>
    </message>
</context>
<context>
    <name>FileList</name>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="80"/>
        <source>{name} — cannot be shown</source>
        <translation>{name} — 无法显示</translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/file_list.py" line="81"/>
        <source>{name} · %n page(s)</source>
        <translation>
            <numerusform>{name} · %n 页</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="96"/>
        <source>Invoices</source>
        <translation>发票</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="97"/>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/file_list.py" line="101"/>
        <source>{title} ({count})</source>
        <translation>{title}（{count}）</translation>
    </message>
</context>
<context>
    <name>FpsError</name>
    <message>
        <location filename="../../fps_desktop/config.py" line="192"/>
        <source>Setting {key} needs a value of type {kind}.</source>
        <translation>设置项 {key} 需要 {kind} 类型的值。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/config.py" line="243"/>
        <source>This computer has no password store (keyring), so the secret was not saved. Ask IT to enable one.</source>
        <translation>本机没有可用的密码存储（钥匙串），密钥未保存。请联系信息中心开启。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/cache.py" line="37"/>
        <source>The disk holding {where} is full. Free some space (or lower the cache size in Settings) and try again; nothing was lost.</source>
        <translation>{where} 所在磁盘已满。请释放空间（或在设置中调小缓存上限）后重试；没有任何数据丢失。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/demo.py" line="107"/>
        <source>The demo source only knows the sample GUIDs shown in the empty window.</source>
        <translation>演示数据源只包含空白窗口中列出的示例 GUID。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/guid.py" line="26"/>
        <source>“{text}” is not a document GUID. A GUID has 32 hexadecimal digits, for example c965be9f9c1d449d9e50fed330150d7a.</source>
        <translation>“{text}” 不是单据 GUID。GUID 由 32 位十六进制字符组成，例如 c965be9f9c1d449d9e50fed330150d7a。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/imposition.py" line="56"/>
        <source>“{text}” is not a page range of this document (pages 1 to {count}). Write it like 1-3, 5.</source>
        <translation>“{text}” 不是本文档的有效页码范围（第 1 至 {count} 页）。请按 1-3, 5 的格式填写。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/merge.py" line="53"/>
        <source>No printable file is selected.</source>
        <translation>没有选中可打印的文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/pdf.py" line="48"/>
        <source>{name} is empty (0 bytes).</source>
        <translation>{name} 是空文件（0 字节）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/pdf.py" line="53"/>
        <source>{name} is not a readable image.</source>
        <translation>{name} 不是可读取的图片。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/pdf.py" line="57"/>
        <source>{name} is too large to print ({width} × {height} pixels). Ask the sender for a smaller scan.</source>
        <translation>{name} 尺寸过大，无法打印（{width} × {height} 像素）。请让提交人提供较小的扫描件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/pdf.py" line="68"/>
        <source>{name} is neither a PDF nor a JPG/PNG image and cannot be shown.</source>
        <translation>{name} 既不是 PDF 也不是 JPG/PNG 图片，无法显示。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/pdf.py" line="78"/>
        <location filename="../../fps_desktop/documents/pdf.py" line="107"/>
        <source>{name} is damaged and cannot be opened.</source>
        <translation>{name} 已损坏，无法打开。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/pdf.py" line="83"/>
        <source>{name} is protected by a password. Ask the sender for an unprotected copy.</source>
        <translation>{name} 受密码保护。请让提交人提供未加密的文件。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/pdf.py" line="91"/>
        <source>{name} has no pages.</source>
        <translation>{name} 没有任何页面。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="55"/>
        <source>No folder for GUID {guid} under {root}.</source>
        <translation>在 {root} 下没有 GUID {guid} 对应的文件夹。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="73"/>
        <source>Refused a path outside the share.</source>
        <translation>已拒绝共享目录之外的路径。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="102"/>
        <source>The PBMS addresses are not set. Ask IT to fill them in Settings.</source>
        <translation>尚未设置 PBMS 地址。请联系信息中心在设置中填写。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="126"/>
        <source>PBMS answered with a web page instead of a file list. The address in Settings may be wrong, or a login page is in the way.</source>
        <translation>PBMS 返回的是网页而不是文件列表。可能是设置中的地址有误，或被登录页面拦截。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="135"/>
        <source>PBMS sent a file list we cannot read.</source>
        <translation>PBMS 返回的文件列表无法识别。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="167"/>
        <source>The download of {name} broke off. Try again in a moment.</source>
        <translation>{name} 下载中断，请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="191"/>
        <source>PBMS does not know this document (HTTP 404).</source>
        <translation>PBMS 中找不到该单据（HTTP 404）。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="197"/>
        <source>PBMS refused access (HTTP {status}). Check the access token in Settings.</source>
        <translation>PBMS 拒绝访问（HTTP {status}）。请检查设置中的访问令牌。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="214"/>
        <source>PBMS did not answer in time. Check the network and try again.</source>
        <translation>PBMS 响应超时。请检查网络后重试。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="220"/>
        <source>PBMS is not working right now ({problem}). Try again later.</source>
        <translation>PBMS 暂时无法使用（{problem}）。请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/sources.py" line="242"/>
        <source>No document folder is set. Choose one in Settings.</source>
        <translation>尚未设置单据文件夹。请在设置中选择。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/errors.py" line="54"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/spooler.py" line="53"/>
        <source>There is no printer called “{name}”.</source>
        <translation>没有名为“{name}”的打印机。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/spooler.py" line="89"/>
        <source>The printer could not be started. Is it switched on and connected?</source>
        <translation>无法启动打印机。请确认打印机已开机并已连接。</translation>
    </message>
</context>
<context>
    <name>JobList</name>
    <message>
        <location filename="../../fps_desktop/ui/job_list.py" line="82"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_list.py" line="83"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_list.py" line="84"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_list.py" line="85"/>
        <source>Clear finished</source>
        <translation>清除已完成</translation>
    </message>
</context>
<context>
    <name>JobQueue</name>
    <message>
        <location filename="../../fps_desktop/ui/job_queue.py" line="39"/>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_queue.py" line="40"/>
        <source>Running</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_queue.py" line="41"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_queue.py" line="42"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_queue.py" line="43"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/job_queue.py" line="87"/>
        <source>Unexpected error; the details are in the log file.</source>
        <translation>发生意外错误，详细信息见日志文件。</translation>
    </message>
</context>
<context>
    <name>Jobs</name>
    <message>
        <location filename="../../fps_desktop/documents/workspace.py" line="42"/>
        <source>{files} files, {pages} pages</source>
        <translation>{files} 个文件，共 {pages} 页</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/workspace.py" line="50"/>
        <source>Open {guid}</source>
        <translation>打开 {guid}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/documents/workspace.py" line="100"/>
        <source>Merge {count} files</source>
        <translation>合并 {count} 个文件</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="86"/>
        <source>Document</source>
        <translation>单据</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="97"/>
        <source>Type or paste a document GUID</source>
        <translation>输入或粘贴单据 GUID</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="101"/>
        <source>GUID</source>
        <translation>GUID</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="106"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="109"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="114"/>
        <source>Merge &amp;&amp; Save</source>
        <translation>合并并保存</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="119"/>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="126"/>
        <source>Fit width</source>
        <translation>适合宽度</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="128"/>
        <source>Fit page</source>
        <translation>适合页面</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="129"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="130"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="131"/>
        <source>Rotate</source>
        <translation>旋转</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="179"/>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="187"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="192"/>
        <source>Open cache folder</source>
        <translation>打开缓存文件夹</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="193"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="195"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="197"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="201"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="202"/>
        <source>Invoice export…</source>
        <translation>发票数据导出…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="203"/>
        <source>Upload to OSS…</source>
        <translation>上传到 OSS…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="204"/>
        <source>History…</source>
        <translation>历史记录…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="205"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="206"/>
        <source>Open log folder</source>
        <translation>打开日志文件夹</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="207"/>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="228"/>
        <source>Sent by {origin}</source>
        <translation>由 {origin} 推送</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="230"/>
        <source>Opening {guid}…</source>
        <translation>正在打开 {guid}…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/main_window.py" line="253"/>
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n 个文件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/main_window.py" line="255"/>
        <source>%n cannot be shown</source>
        <translation>
            <numerusform>%n 个无法显示</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="292"/>
        <source>Save merged PDF</source>
        <translation>保存合并后的 PDF</translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/main_window.py" line="327"/>
        <source>%n sheet(s) printed</source>
        <translation>
            <numerusform>已打印 %n 张</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="333"/>
        <source>Print {guid}</source>
        <translation>打印 {guid}</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="360"/>
        <source>Open a document GUID</source>
        <translation>打开单据 GUID</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="361"/>
        <source>Type or paste a GUID above, or let PBMS send one.</source>
        <translation>在上方输入或粘贴 GUID，或由 PBMS 推送。</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="364"/>
        <source>Demo documents to try:</source>
        <translation>可以试用的演示单据：</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/main_window.py" line="404"/>
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
    <name>PrintDialog</name>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="45"/>
        <source>Actual size (shrink to fit only)</source>
        <translation>实际大小（仅在放不下时缩小）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="48"/>
        <source>Fit to page</source>
        <translation>适合页面</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="49"/>
        <source>Two invoices per A4 (cut line)</source>
        <translation>每张 A4 打印两张发票（带裁切线）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="60"/>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="113"/>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="72"/>
        <source>Save as PDF file…</source>
        <translation>另存为 PDF 文件…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="75"/>
        <source>Properties…</source>
        <translation>属性…</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="80"/>
        <source>All pages, or e.g. 1-3, 5</source>
        <translation>全部页面，或如 1-3, 5</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="83"/>
        <source>Print on both sides</source>
        <translation>双面打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="84"/>
        <source>Black and white</source>
        <translation>黑白打印</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="94"/>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="95"/>
        <source>Layout</source>
        <translation>版式</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="96"/>
        <source>Pages</source>
        <translation>页码</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="97"/>
        <source>Copies</source>
        <translation>份数</translation>
    </message>
    <message numerus="yes">
        <location filename="../../fps_desktop/ui/print_dialog.py" line="173"/>
        <source>%n sheet(s) of A4</source>
        <translation>
            <numerusform>共 %n 张 A4</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/print_dialog.py" line="190"/>
        <source>Save as PDF file</source>
        <translation>另存为 PDF 文件</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="28"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="31"/>
        <source>Built-in demo documents</source>
        <translation>内置演示单据</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="32"/>
        <source>PBMS file service (HTTP)</source>
        <translation>PBMS 文件服务（HTTP）</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="33"/>
        <source>Folder or network share</source>
        <translation>文件夹或网络共享</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="46"/>
        <source>stored in the system keyring</source>
        <translation>已保存在系统钥匙串中</translation>
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
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="68"/>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="81"/>
        <source>Document folder</source>
        <translation>单据文件夹</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="69"/>
        <source>Cache size limit</source>
        <translation>缓存上限</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="70"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../fps_desktop/ui/settings_dialog.py" line="71"/>
        <source>A new language applies after a restart.</source>
        <translation>更改语言后需重新启动程序。</translation>
    </message>
</context>
</TS>
