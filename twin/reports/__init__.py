"""Citizens' reports over HTTP and in the portal: `install_reports` mounts them (one line in
`twin.app.create_app`)."""
