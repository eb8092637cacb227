from interceptor.cli import main

raise SystemExit(main())
