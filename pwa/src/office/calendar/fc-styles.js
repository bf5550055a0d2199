// Imported before FullCalendar. FullCalendar 6 writes its CSS with insertRule() into a
// <style data-fullcalendar> it creates when it loads; our Content-Security-Policy (style-src
// 'self', no inline styles) blocks that element, which leaves it without a stylesheet, and
// FullCalendar crashes (fullcalendar/fullcalendar#7353). So the placeholder it looks for is made
// here first: a <style> of a non-CSS type (never parsed, so never blocked) whose `sheet` is a
// constructed stylesheet adopted by the document — CSSOM, which the policy allows. The policy
// stays strict, and no 'unsafe-inline' or nonce is needed. (Chrome still reports the placeholder
// as a blocked inline style in the console; nothing reads it but FullCalendar, through `sheet`.)
if (typeof document !== 'undefined' && !document.querySelector('style[data-fullcalendar]')) {
  const sheet = new CSSStyleSheet()
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]
  const placeholder = document.createElement('style')
  placeholder.type = 'text/x-fullcalendar'
  placeholder.setAttribute('data-fullcalendar', '')
  Object.defineProperty(placeholder, 'sheet', { value: sheet })
  document.head.appendChild(placeholder)
}
