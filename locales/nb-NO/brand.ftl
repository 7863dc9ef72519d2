### Merkenavn. Termer oversettes ikke; meldinger viser til dem.

-brand-name = Sammen
-hub-name = Erfaringssentrum
