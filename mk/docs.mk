# `make docs`: the pictures of docs/lab.md, drawn by netc (-t dot) and
# rendered by Graphviz, as SVG and PNG in docs/: one per sample
# (docs/SAMPLE.svg from samples/SAMPLE.yaml), and the two classic figures
# from their own small topologies, docs/figure-crossover.yaml and
# docs/figure-bridged.yaml.
# Graphviz must render each without a word on stderr.  Included by the
# Makefile; uses its netc and DEPS.

DOT          ?= dot
DOC_FIGURES   = figure-crossover figure-bridged
DOC_PICTURES  = $(notdir $(basename $(wildcard samples/*.yaml))) $(DOC_FIGURES)
DOC_SVG       = $(addprefix docs/,$(addsuffix .svg,$(DOC_PICTURES)))
DOC_PNG       = $(DOC_SVG:.svg=.png)

.PHONY: docs docs-deps

docs: $(DOC_SVG) $(DOC_PNG)

docs-deps:
	@$(DEPS) docs

# netc -t dot, then Graphviz; $1 the format, $2 the topology, $3 the target.
# Written beside the target, then renamed: a failed run leaves nothing.
define doc_render
	@echo "netc -t dot $2 | $(DOT) -T$1 > $3"
	@./netc -q -t dot $2 -o $3.dot.tmp
	@$(DOT) -T$1 $3.dot.tmp -o $3.tmp 2>$3.err; s=$$?; rm -f $3.dot.tmp; \
		if [ $$s -ne 0 ] || [ -s $3.err ]; then cat $3.err >&2; rm -f $3.tmp $3.err; exit 1; fi; \
		rm -f $3.err; mv -f $3.tmp $3
endef

docs/%.svg: samples/%.yaml netc | docs-deps
	$(call doc_render,svg,$<,$@)

docs/%.png: samples/%.yaml netc | docs-deps
	$(call doc_render,png,$<,$@)

docs/%.svg: docs/%.yaml netc | docs-deps
	$(call doc_render,svg,$<,$@)

docs/%.png: docs/%.yaml netc | docs-deps
	$(call doc_render,png,$<,$@)
