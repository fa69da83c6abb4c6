package generator

func (g *gen) readme() ([]byte, error) { return []byte("# " + g.cfg.Package + "\n"), nil }
