package docsite_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/internal/docsite"
	"github.com/paxkit/paxkit/openapi"
)

// builtinSite writes the site of the five built-in contracts to a temporary directory.
func builtinSite(t *testing.T) (dir string, docs map[string]*openapi3.T) {
	t.Helper()
	docs = map[string]*openapi3.T{}
	var apis []docsite.API
	raw := map[string][]byte{}
	for _, id := range openapi.IDs() {
		doc, err := openapi.Load(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := openapi.Bytes(id)
		if err != nil {
			t.Fatal(err)
		}
		docs[id], raw[id] = doc, b
		apis = append(apis, docsite.API{ID: id, Doc: doc})
	}
	site, err := docsite.New(apis, raw)
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	if err := site.Write(dir); err != nil {
		t.Fatal(err)
	}
	return dir, docs
}

// expectedElements lists, straight from the contract, what a reader must be able to see on
// the API's page: every operation and every property of every component schema (those of
// inline allOf parts included), as element id -> text the element must show.
func expectedElements(t *testing.T, doc *openapi3.T) map[string]string {
	t.Helper()
	want := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				t.Errorf("%s %s has no operationId", method, path)
				continue
			}
			want["op-"+op.OperationID] = path
		}
	}
	for name, ref := range doc.Components.Schemas {
		schemas := []*openapi3.Schema{ref.Value}
		for _, part := range ref.Value.AllOf {
			if part.Ref == "" {
				schemas = append(schemas, part.Value)
			}
		}
		for _, s := range schemas {
			for prop := range s.Properties {
				want[docsite.PropertyAnchor(name, prop)] = prop
			}
		}
	}
	return want
}

// chromiumPath finds Debian's chromium. Without one the test may skip only on a developer's
// machine: in CI (CI set) a missing browser is a failure, so the check cannot pass unseen.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but no chromium is on PATH: .ci/run installs Debian's chromium for this test")
	}
	t.Skip("no chromium on PATH (apt-get install -y chromium); CI runs this test")
	return ""
}

func TestPagesInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	browser := chromiumPath(t)
	dir, docs := builtinSite(t)
	// Kept with `go test -artifacts` (in -outputdir), a temporary directory otherwise.
	shots := filepath.Join(t.ArtifactDir(), "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", shots)

	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	opts = append(opts,
		chromedp.ExecPath(browser),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start %s: %v", browser, err)
	}

	pages := []string{"index"}
	pages = append(pages, openapi.IDs()...)
	for _, width := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		for _, id := range pages {
			t.Run(width.name+"/"+id, func(t *testing.T) {
				file := filepath.Join(dir, id, "index.html")
				want := map[string]string{}
				if id == "index" {
					file = filepath.Join(dir, "index.html")
					for _, api := range openapi.IDs() {
						want["api-"+api] = docs[api].Info.Title
					}
				} else {
					want = expectedElements(t, docs[id])
				}
				ids := make([]string, 0, len(want))
				for k := range want {
					ids = append(ids, k)
				}
				sort.Strings(ids)

				ctx, cancel := chromedp.NewContext(browserCtx)
				defer cancel()
				ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
				defer cancelTimeout()
				err := chromedp.Do(ctx,
					chromedp.EmulateViewport(width.w, width.h),
					chromedp.Navigate("file://"+file),
					chromedp.WaitReady("body"),
				)
				if err != nil {
					t.Fatalf("browse %s: %v", file, err)
				}
				shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatalf("screenshot %s: %v", file, err)
				}
				problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](visibilityScript(ids, want)))
				if err != nil {
					t.Fatalf("inspect %s: %v", file, err)
				}
				docWidth, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
				if err != nil {
					t.Fatal(err)
				}
				viewWidth, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`window.innerWidth`))
				if err != nil {
					t.Fatal(err)
				}
				if len(shot) == 0 {
					t.Fatal("empty screenshot")
				}
				if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("%s-%s.png", id, width.name)), shot, 0o644); err != nil {
					t.Fatal(err)
				}
				if id != "index" {
					// A second look, at the first operation: parameters, bodies and the try-it block.
					if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector(".operation").scrollIntoView(), true)`)); err != nil {
						t.Fatal(err)
					}
					opShot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
					if err != nil || len(opShot) == 0 {
						t.Fatalf("screenshot of the first operation: %v (%d bytes)", err, len(opShot))
					}
					if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("%s-%s-operation.png", id, width.name)), opShot, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if len(ids) == 0 {
					t.Fatal("nothing to look for: the contract walk found no operations or properties")
				}
				for _, p := range problems {
					t.Error(p)
				}
				// Readable at phone width means no sideways scrolling of the whole page.
				if docWidth > viewWidth+1 {
					t.Errorf("page is %dpx wide in a %dpx viewport", docWidth, viewWidth)
				}
			})
		}
	}
}

// visibilityScript returns, for each element id that is missing, not laid out (an empty box),
// hidden, or not showing its expected text, one line saying so.
func visibilityScript(ids []string, want map[string]string) string {
	var pairs []string
	for _, id := range ids {
		pairs = append(pairs, fmt.Sprintf("[%q, %q]", id, want[id]))
	}
	return fmt.Sprintf(`(() => {
  const problems = [];
  for (const [id, text] of [%s]) {
    const el = document.getElementById(id);
    if (!el) { problems.push(id + ": no element"); continue; }
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0) { problems.push(id + ": empty layout box"); continue; }
    if (style.display === "none" || style.visibility === "hidden" || style.opacity === "0") { problems.push(id + ": hidden"); continue; }
    if (!el.innerText.includes(text)) { problems.push(id + ": does not show " + JSON.stringify(text)); }
  }
  return problems;
})()`, joinComma(pairs))
}

func joinComma(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}
