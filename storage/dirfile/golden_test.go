package dirfile

import "flag"

// update makes golden-file tests rewrite their golden files:
// go test ./storage/dirfile/ -run NAME -update
var update = flag.Bool("update", false, "rewrite golden files")
