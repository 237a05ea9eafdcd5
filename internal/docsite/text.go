package docsite

import (
	"html/template"
	"regexp"
	"strings"
)

// The specs' descriptions are CommonMark, hard-wrapped at about 100 columns, with `code`,
// **bold**, bullet lists, "## " headings and the odd table. Shown as plain text they read
// badly on a phone (the hard wraps stay); a full Markdown renderer is not among the allowed
// libraries. describe renders that subset and shows anything else as text: every byte of the
// description is HTML-escaped before the few tags are added, so a spec cannot inject markup.

var (
	inlineCode = regexp.MustCompile("`([^`]+)`")
	strong     = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	listItem   = regexp.MustCompile(`^\s*(?:[-*+]|\d+[.)])\s+`)
	heading    = regexp.MustCompile(`^#{1,6}\s+`)
)

func inline(s string) string {
	s = template.HTMLEscapeString(s)
	s = inlineCode.ReplaceAllString(s, "<code>$1</code>")
	return strong.ReplaceAllString(s, "<strong>$1</strong>")
}

// describe renders a description as HTML blocks.
func describe(s string) template.HTML {
	var b strings.Builder
	var para, items []string
	var table []string
	flushPara := func() {
		if len(para) > 0 {
			b.WriteString(`<p class="desc">` + inline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
	}
	flushList := func() {
		if len(items) > 0 {
			b.WriteString(`<ul class="desc">`)
			for _, it := range items {
				b.WriteString("<li>" + inline(it) + "</li>")
			}
			b.WriteString("</ul>\n")
			items = nil
		}
	}
	flushTable := func() {
		if len(table) > 0 {
			b.WriteString(`<pre class="desc-table">` + template.HTMLEscapeString(strings.Join(table, "\n")) + "</pre>\n")
			table = nil
		}
	}
	flush := func() { flushPara(); flushList(); flushTable() }
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
		case strings.HasPrefix(trimmed, "|"):
			flushPara()
			flushList()
			table = append(table, trimmed)
		case heading.MatchString(trimmed):
			flush()
			b.WriteString(`<p class="desc-heading">` + inline(heading.ReplaceAllString(trimmed, "")) + "</p>\n")
		case listItem.MatchString(line):
			flushPara()
			flushTable()
			items = append(items, listItem.ReplaceAllString(line, ""))
		case len(items) > 0:
			// A wrapped line continues the list item above it.
			items[len(items)-1] += " " + trimmed
		default:
			flushTable()
			para = append(para, trimmed)
		}
	}
	flush()
	return template.HTML(b.String()) //nolint:gosec // every piece went through HTMLEscapeString
}
