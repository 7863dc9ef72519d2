a = A2
b = B2 { $x }
c = { -missing }
c = again
zz = obsolete
d = { $n ->
    [one] En
    [few] Få
   *[other] Mange
}
broken = {
