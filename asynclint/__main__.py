from asynclint.entry import main

main()
