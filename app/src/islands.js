// The islands loader (`IslandsLoader` in lib.rs): imports the WASM's JS glue at once, starts the
// module (its `hydrate` export starts the session keeper), then hydrates every island of the
// page in document order, as Leptos's own loader does for islands without children.
((glue, wasm) =>
  import(`${glue}.js`).then(async (mod) => {
    await mod.default({ module_or_path: `${wasm}.wasm` });
    mod.hydrate();
    for (const island of document.querySelectorAll("leptos-island")) {
      const hydrate = mod[island.dataset.component];
      if (hydrate) await hydrate(island);
      else console.warn(`no WASM function for the island ${island.dataset.component}`);
    }
  }))
